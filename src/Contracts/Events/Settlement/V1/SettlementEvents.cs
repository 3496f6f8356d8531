using PromotionEngine.Kernel.Messaging;

namespace PromotionEngine.Contracts.Events.Settlement.V1;

/// <summary>Settlement events are the settlement's, partitioned by order id: one order's events arrive in order.</summary>
public interface ISettlementEvent : IIntegrationEvent
{
    static string IIntegrationEvent.Producer => "settlement";
    static int IIntegrationEvent.SchemaVersion => 1;

    string OrderId { get; }
}

/// <summary>
/// An order event could not be carried out on the order's coupons, and nothing changed: e.g. a payment after the hold
/// lapsed (HOLD_EXPIRED), after the coupons were released (ORDER_RELEASED) or for an order whose lock was refused
/// (ORDER_NOT_LOCKED); a cancellation after payment (ORDER_ALREADY_PAID); a lock the wallet no longer allows. The order
/// system decides what follows (charge without the discount, refund, re-quote). The settlement record shows it too.
/// </summary>
/// <param name="Step">LOCK, CONSUME, RELEASE or REFUND: what the event asked for.</param>
/// <param name="CauseType">The order event's type, e.g. payment-succeeded.</param>
public sealed record OrderSettlementRefused(
    string OrderId, long UserId, string Step, string Code, string Message,
    string CauseType, Guid CauseEventId, DateTimeOffset RefusedAt) : ISettlementEvent
{
    public static string Type => "order-settlement-refused";
}

/// <summary>
/// A refund of a consumed order was settled per the pinned allocation (docs/settlement.md, "Refunds"): what the refunded
/// units were paid, the shipping returned, the discount clawed back from the kept units whose threshold no longer holds,
/// what is due to the buyer now (Payout) and what the buyer owes back when the claw-back exceeds the refunds (Outstanding).
/// CouponsRestored: the whole order is refunded and its coupons are back in the wallet. Amounts are null when the order was
/// locked without a quote (no allocation to price it by). Coupons: what this refund took back of each coupon's discount
/// (null without an allocation). GiftsReturned: the gifts this refund returned to their gift stock, the order no longer
/// qualifying for them (docs/gifts.md); empty or null when none.
/// </summary>
public sealed record OrderRefundSettled(
    string OrderId, long UserId, string RefundId, string Currency, long? RefundedGoods, long? RefundedShipping, long? Clawback,
    long? Payout, long? Outstanding, long ShopRefunded, bool CouponsRestored, DateTimeOffset SettledAt,
    IReadOnlyList<RefundedCouponDiscount>? Coupons = null, IReadOnlyList<ReturnedGift>? GiftsReturned = null) : ISettlementEvent
{
    public static string Type => "order-refund-settled";
}

/// <summary>What one coupon took off one order line (its share of the line's discount), with the line as it was priced.</summary>
public sealed record SettledLineShare(int Line, string Sku, long UnitPrice, int Quantity, long Share);

/// <summary>
/// One coupon's discount on an order and how it was allocated over the order's lines (the shares add up to it; a FREE_SHIPPING
/// coupon's discount is on the shipping fee, its line shares 0). ShippingDiscount: the part of Discount on the shipping fee (a
/// FREE_SHIPPING coupon's whole discount; 0 for the others). Added to v1: consumers that do not know it ignore it.
/// </summary>
public sealed record SettledCouponDiscount(
    long UserCouponId, long TemplateId, long Discount, IReadOnlyList<SettledLineShare> Lines, long ShippingDiscount = 0);

/// <summary>
/// The order was paid and its coupons spent, with the allocation pinned when it was locked: the goods' list total, the shipping
/// fee, the discount in total and per coupon and line, and what the buyer paid (goods + shipping − discount). Published once per
/// order, when the coupons are consumed; an order locked without a quote has no allocation and publishes nothing of this.
/// ShippingDiscount: the part of Discount taken off the shipping fee by FREE_SHIPPING coupons (so Discount − ShippingDiscount is
/// what came off the goods); added to v1, 0 when no coupon was on the fee.
/// Gifts: what GIFT coupons gave the order at price 0 (docs/gifts.md); empty or null when none.
/// </summary>
public sealed record OrderDiscountConsumed(
    string OrderId, long UserId, string Currency, long GoodsAmount, long ShippingFee, long Discount, long Paid,
    IReadOnlyList<SettledCouponDiscount> Coupons, DateTimeOffset ConsumedAt, long ShippingDiscount = 0,
    IReadOnlyList<SettledGift>? Gifts = null) : ISettlementEvent
{
    public static string Type => "order-discount-consumed";
}

/// <summary>
/// What one refund took back of one coupon's discount: Returned, the part that left with the refunded units; ClawedBack, the part
/// on the kept units that a threshold no longer met takes back. Both are this refund's amounts (not totals), never negative.
/// </summary>
public sealed record RefundedCouponDiscount(long UserCouponId, long TemplateId, long Returned, long ClawedBack);

/// <summary>What one GIFT coupon gave an order: Quantity units of the gift Sku at price 0, out of its template's gift stock.</summary>
public sealed record SettledGift(long UserCouponId, long TemplateId, string Sku, int Quantity);

/// <summary>A gift a refund returned to its template's gift stock (the kept units no longer earn it): Quantity units of Sku.</summary>
public sealed record ReturnedGift(long UserCouponId, long TemplateId, string Sku, int Quantity);

/// <summary>
/// The order was paid and its coupons spent: published once per order, when they are, whether it was quoted or not (unlike
/// order-discount-consumed). UserCouponIds: the coupons it spent; whose they were (the merchants) is the engine's to know. The
/// engine's audience rules count it as a settled order with each of those merchants (docs/audiences.md).
/// </summary>
public sealed record OrderSettled(string OrderId, long UserId, IReadOnlyList<long> UserCouponIds, DateTimeOffset SettledAt) : ISettlementEvent
{
    public static string Type => "order-settled";
}
