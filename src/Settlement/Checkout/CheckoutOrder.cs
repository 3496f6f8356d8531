using PromotionEngine.Contracts.Engine;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Kernel.Requests;
using PromotionEngine.Settlement.Orders;

namespace PromotionEngine.Settlement.Checkout;

/// <summary>
/// The order verbs as the order system calls them over HTTP: one write transaction in which the engine moves the order's
/// coupons through its checkout port (the code the saga runs too), the step goes into the order's settlement record and
/// the request's Idempotency-Key is claimed, then the commit. A repeat (answered by the engine from its operation record)
/// or a refusal changes nothing and commits nothing.
/// </summary>
internal sealed class CheckoutOrder(IDatabase db, ICouponCheckout checkout, OrderLedger ledger, IKeyedRequests keys, TimeProvider clock)
{
    /// <summary>What a lock may ask for: the engine's limits.</summary>
    public CheckoutLimits Limits => checkout.Limits;

    /// <param name="caller">The service identity asking (its token subject): it may act only on its own orders, or its trusted group's.</param>
    public Task<CheckoutResult> LockAsync(
        string caller, OrderId order, UserId user, IReadOnlyList<UserCouponId> coupons, TimeSpan ttl, string? quoteId, CancellationToken ct,
        IReadOnlyDictionary<UserCouponId, long>? discounts = null) =>
        RunAsync(caller, order, OrderVerbs.Lock, quoteId,
            (who, scope) => checkout.LockAsync(who, order, user, coupons, ttl, quoteId, scope, ct, discounts), ct);

    public Task<CheckoutResult> ConsumeAsync(string caller, OrderId order, CancellationToken ct) =>
        RunAsync(caller, order, OrderVerbs.Consume, null, (who, scope) => checkout.ConsumeAsync(who, order, scope, ct), ct);

    public Task<CheckoutResult> ReleaseAsync(string caller, OrderId order, CancellationToken ct) =>
        RunAsync(caller, order, OrderVerbs.Release, null, (who, scope) => checkout.ReleaseAsync(who, order, scope, ct), ct);

    public Task<CheckoutResult> RefundAsync(string caller, OrderId order, CancellationToken ct) =>
        RunAsync(caller, order, OrderVerbs.Refund, null, (who, scope) => checkout.RefundAsync(who, order, scope, ct), ct);

    private Task<CheckoutResult> RunAsync(string caller, OrderId order, string operation, string? quoteId,
        Func<CheckoutCaller, WriteScope, Task<CheckoutResult>> verb, CancellationToken ct) =>
        db.WriteWithRetryAsync(async scope =>
        {
            var result = await verb(CheckoutCaller.Of(caller), scope);
            if (result is { Done: true, Repeated: false })
            {
                // An order verb always names at least one coupon, all of one user.
                await ledger.RecordAsync(
                    new OrderStep(order, operation, result.Coupons[0].User, quoteId, result.Coupons, UtcMillis.Now(clock), caller), scope, ct);
                await keys.ClaimAsync(scope, ct);
                await scope.CommitAsync(ct);
            }
            return result;
        }, ct);
}
