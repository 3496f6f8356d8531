namespace PromotionEngine.Contracts.Settlement;

/// <summary>
/// Settlement's query port for the clearing reconciliation: the settlement records of the orders whose coupons were spent in
/// a stretch of time (the record's CONSUME step done then), streamed in order id order, read from settlement's store.
/// </summary>
public interface ISettledOrders
{
    IAsyncEnumerable<SettledOrderView> PaidBetweenAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct);
}

/// <summary>
/// An order as its settlement record holds it. Status: PAID (its coupons spent; a partial refund leaves it PAID) or REFUNDED
/// (refunded whole, coupons restored). Discount: what its coupons took off, in minor units of Currency.
/// </summary>
public sealed record SettledOrderView(
    string OrderId, DateTimeOffset PaidAt, string Status, string? Currency, long Discount, IReadOnlyList<SettledCouponView> Coupons);

/// <summary>A user coupon spent on the order; Discount null when the order was locked without a quote (not known per coupon).</summary>
public sealed record SettledCouponView(long UserCouponId, long? Discount);
