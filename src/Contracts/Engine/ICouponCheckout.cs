using PromotionEngine.Contracts.Http.Engine;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Contracts.Engine;

/// <summary>
/// Engine's command port for the order verbs: lock, consume, release and refund an order's coupons, run in the caller's
/// transaction so that whatever the caller records with it (the settlement record, an inbox row, the request's
/// Idempotency-Key) and the coupon changes and their events commit together. Nothing is committed here. The settlement
/// serves the HTTP verbs under /api/v1/orders/{orderId}/coupons through it and the order saga runs them through it, the
/// same code. Each verb is idempotent per (order, operation): a repeat answers what the first call did
/// (<see cref="CheckoutResult.Repeated"/>). A refusal changes nothing.
/// </summary>
public interface ICouponCheckout
{
    /// <summary>What a lock may ask for (Engine:MaxCouponsPerOrder, Engine:MaxLockTtlSeconds), for the caller's validation.</summary>
    CheckoutLimits Limits { get; }

    /// <param name="quoteId">The settlement quote the coupons come from, if any: part of what makes a repeat the same request.</param>
    /// <param name="discounts">
    /// What each coupon takes off the order (the quote's allocation), which the lock reserves of the coupon's money budgets; a
    /// coupon not in it reserves its template's largest discount. A budget that cannot cover it refuses the lock BUDGET_EXHAUSTED.
    /// </param>
    Task<CheckoutResult> LockAsync(
        CheckoutCaller caller, OrderId order, UserId user, IReadOnlyList<UserCouponId> coupons,
        TimeSpan ttl, string? quoteId, WriteScope scope, CancellationToken ct, IReadOnlyDictionary<UserCouponId, long>? discounts = null);

    Task<CheckoutResult> ConsumeAsync(CheckoutCaller caller, OrderId order, WriteScope scope, CancellationToken ct);

    Task<CheckoutResult> ReleaseAsync(CheckoutCaller caller, OrderId order, WriteScope scope, CancellationToken ct);

    /// <summary>Restores every coupon the order consumed (AVAILABLE, or EXPIRED past its validity).</summary>
    Task<CheckoutResult> RefundAsync(CheckoutCaller caller, OrderId order, WriteScope scope, CancellationToken ct);
}

/// <summary>
/// Who runs an order verb. A service (its token subject) acts only on the orders it locked, or its trusted group's
/// (Engine:TrustedServices): any other order is ORDER_NOT_FOUND, stored answers included, and its lock makes the order
/// its own. The order saga (<see cref="OrderEvents"/>) is trusted, since order events are the order system's own facts,
/// and acts as Engine:OrderEventsService: what it locks is that service's.
/// </summary>
public abstract record CheckoutCaller
{
    private CheckoutCaller() { }

    public static CheckoutCaller OrderEvents { get; } = new Saga();

    public static CheckoutCaller Of(string service) => new Service(service);

    public sealed record Service(string Subject) : CheckoutCaller;

    public sealed record Saga : CheckoutCaller;
}

/// <summary>The most coupons one lock may hold, and the longest hold it may ask for.</summary>
public sealed record CheckoutLimits(int MaxCouponsPerOrder, int MaxLockTtlSeconds);

/// <summary>
/// What an order verb did: the order's coupons in their state afterwards, or the refusal (same codes as over HTTP:
/// ORDER_NOT_FOUND for another service's order, ORDER_NOT_LOCKED, ORDER_NOT_CONSUMED, COUPON_NOT_FOUND, ILLEGAL_TRANSITION with each
/// coupon's reason, IDEMPOTENCY_MISMATCH).
/// RefusedCoupons lists each coupon an ILLEGAL_TRANSITION refused, with its status and reason (HOLD_EXPIRED,
/// HELD_BY_ANOTHER_ORDER, STATE_DOES_NOT_ALLOW). Response: the answer of the HTTP verb when done (a repeat's is the
/// first answer, verbatim); null when refused.
/// </summary>
public sealed record CheckoutResult(
    IReadOnlyList<CheckedCoupon> Coupons, Refusal? Refusal, bool Repeated, IReadOnlyList<RefusedCoupon> RefusedCoupons,
    OrderCouponsResponse? Response)
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
