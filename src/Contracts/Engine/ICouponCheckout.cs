using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Contracts.Engine;

/// <summary>
/// Engine's command port for the order saga: the four order verbs (the same code as the HTTP verbs under
/// /api/v1/orders/{orderId}/coupons), run in the caller's transaction so that the caller's inbox record, the coupon
/// changes, the coupon events and whatever the caller records itself commit together. Nothing is committed here.
/// Each verb is idempotent per (order, operation) like over HTTP: a repeat answers what the first call did
/// (<see cref="CheckoutResult.Repeated"/>). A refusal changes nothing.
/// </summary>
public interface ICouponCheckout
{
    /// <param name="quoteId">The settlement quote the coupons come from, if any: part of what makes a repeat the same request.</param>
    Task<CheckoutResult> LockAsync(OrderId order, UserId user, IReadOnlyList<UserCouponId> coupons, TimeSpan ttl, string? quoteId,
        WriteScope scope, CancellationToken ct);

    Task<CheckoutResult> ConsumeAsync(OrderId order, WriteScope scope, CancellationToken ct);

    Task<CheckoutResult> ReleaseAsync(OrderId order, WriteScope scope, CancellationToken ct);

    /// <summary>Restores every coupon the order consumed (AVAILABLE, or EXPIRED past its validity).</summary>
    Task<CheckoutResult> RefundAsync(OrderId order, WriteScope scope, CancellationToken ct);
}

/// <summary>
/// What an order verb did: the order's coupons in their state afterwards, or the refusal (same codes as over HTTP:
/// ORDER_NOT_LOCKED, ORDER_NOT_CONSUMED, COUPON_NOT_FOUND, ILLEGAL_TRANSITION with each coupon's reason, IDEMPOTENCY_MISMATCH).
/// RefusedCoupons lists each coupon an ILLEGAL_TRANSITION refused, with its status and reason (HOLD_EXPIRED,
/// HELD_BY_ANOTHER_ORDER, STATE_DOES_NOT_ALLOW).
/// </summary>
public sealed record CheckoutResult(IReadOnlyList<CheckedCoupon> Coupons, Refusal? Refusal, bool Repeated, IReadOnlyList<RefusedCoupon> RefusedCoupons)
{
    public bool Done => Refusal is null;
}

public sealed record RefusedCoupon(UserCouponId Id, string Status, string Reason);

/// <summary>One coupon of the order after the verb; Status is AVAILABLE, LOCKED, CONSUMED or EXPIRED as of then.</summary>
public sealed record CheckedCoupon(UserCouponId Id, UserId User, string Status, DateTimeOffset? LockedUntil);

/// <summary>The order verbs' names, as in responses ("operation") and in the settlement record.</summary>
public static class OrderVerbs
{
    public const string Lock = "LOCK";
    public const string Consume = "CONSUME";
    public const string Release = "RELEASE";
    public const string Refund = "REFUND";
}
