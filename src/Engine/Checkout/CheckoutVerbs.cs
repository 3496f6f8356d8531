using System.Globalization;
using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Checkout;

/// <summary>Holds the listed coupons for the order while the user pays: all of them or none.</summary>
internal sealed class LockCoupons(OrderCheckout checkout)
{
    /// <param name="quoteId">The settlement quote the coupons come from, if any: part of what makes a repeat the same request.</param>
    public Task<CheckoutOutcome> HandleAsync(OrderId order, UserId user, IReadOnlyList<UserCouponId> ids, TimeSpan ttl, CancellationToken ct, string? quoteId = null)
    {
        var sorted = ids.OrderBy(i => i.Value).ToList();
        var hash = (quoteId is null ? "" : $"q:{quoteId}|") + string.Create(CultureInfo.InvariantCulture, $"{user}|{string.Join(',', sorted)}|{ttl.TotalSeconds}");
        return checkout.RunAsync(order, OrderOperationNames.Lock, hash,
            _ => Task.FromResult<(UserId, IReadOnlyList<UserCouponId>)?>((user, sorted)), NotLocked(order),
            (coupon, now) => coupon.Lock(order, ttl, now), ct);
    }

    public static Refusal NotLocked(OrderId order) =>
        new(RefusalKind.Conflict, "ORDER_NOT_LOCKED", $"No coupons were locked for order {order}.");
}

/// <summary>Payment succeeded: the order's locked coupons are spent.</summary>
internal sealed class ConsumeCoupons(OrderCheckout checkout)
{
    public Task<CheckoutOutcome> HandleAsync(OrderId order, CancellationToken ct) =>
        checkout.RunAsync(order, OrderOperationNames.Consume, "",
            scope => checkout.CouponsOfAsync(order, OrderOperationNames.Lock, scope, ct), LockCoupons.NotLocked(order),
            (coupon, now) => coupon.Consume(order, now), ct);
}

/// <summary>Payment failed or the order was cancelled: the order's held coupons go back to the wallet.</summary>
internal sealed class ReleaseCoupons(OrderCheckout checkout)
{
    public Task<CheckoutOutcome> HandleAsync(OrderId order, CancellationToken ct) =>
        checkout.RunAsync(order, OrderOperationNames.Release, "",
            scope => checkout.CouponsOfAsync(order, OrderOperationNames.Lock, scope, ct), LockCoupons.NotLocked(order),
            (coupon, now) => coupon.Release(order, now), ct);
}

/// <summary>The order was refunded: its spent coupons return, or expire if their validity has passed.</summary>
internal sealed class RefundCoupons(OrderCheckout checkout)
{
    public Task<CheckoutOutcome> HandleAsync(OrderId order, CancellationToken ct) =>
        checkout.RunAsync(order, OrderOperationNames.Refund, "",
            scope => checkout.CouponsOfAsync(order, OrderOperationNames.Consume, scope, ct),
            new Refusal(RefusalKind.Conflict, "ORDER_NOT_CONSUMED", $"Order {order} has consumed no coupons."),
            (coupon, now) => coupon.Refund(order, now), ct);
}
