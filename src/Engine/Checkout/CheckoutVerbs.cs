using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.Extensions.Options;
using PromotionEngine.Contracts.Engine;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Checkout;

/// <summary>The four order verbs, each a <see cref="OrderVerb"/>, run through the port in the caller's transaction.</summary>
internal sealed class CheckoutVerbs(OrderCheckout checkout)
{
    /// <summary>Holds the listed coupons for the order while the user pays: all of them or none.</summary>
    /// <param name="quoteId">The settlement quote the coupons come from, if any: part of what makes a repeat the same request.</param>
    /// <param name="discounts">What each coupon takes off, when the caller knows it (a quote's allocation): what the lock reserves of its budgets.</param>
    [SuppressMessage("Performance", "CA1822", Justification = "One of the four verbs, called on the instance like the other three.")]
    public OrderVerb Lock(OrderCaller caller, OrderId order, UserId user, IReadOnlyList<UserCouponId> ids, TimeSpan ttl, string? quoteId,
        IReadOnlyDictionary<UserCouponId, long>? discounts = null)
    {
        var sorted = ids.OrderBy(i => i.Value).ToList();
        var hash = (quoteId is null ? "" : $"q:{quoteId}|")
            + string.Create(CultureInfo.InvariantCulture, $"{user}|{string.Join(',', sorted)}|{ttl.TotalSeconds}");
        return new OrderVerb(caller, order, OrderVerbs.Lock, hash, _ => Task.FromResult<(UserId, IReadOnlyList<UserCouponId>)?>((user, sorted)),
            NotLocked(order), (coupon, now) => coupon.Lock(order, ttl, now), discounts);
    }

    /// <summary>Payment succeeded: the order's locked coupons are spent.</summary>
    public OrderVerb Consume(OrderCaller caller, OrderId order, CancellationToken ct) =>
        new(caller, order, OrderVerbs.Consume, "", scope => checkout.CouponsOfAsync(order, OrderVerbs.Lock, scope, ct), NotLocked(order),
            (coupon, now) => coupon.Consume(order, now));

    /// <summary>Payment failed or the order was cancelled: the order's held coupons go back to the wallet.</summary>
    public OrderVerb Release(OrderCaller caller, OrderId order, CancellationToken ct) =>
        new(caller, order, OrderVerbs.Release, "", scope => checkout.CouponsOfAsync(order, OrderVerbs.Lock, scope, ct), NotLocked(order),
            (coupon, now) => coupon.Release(order, now));

    /// <summary>The order was refunded: its spent coupons return, or expire if their validity has passed.</summary>
    public OrderVerb Refund(OrderCaller caller, OrderId order, CancellationToken ct) =>
        new(caller, order, OrderVerbs.Refund, "", scope => checkout.CouponsOfAsync(order, OrderVerbs.Consume, scope, ct),
            new Refusal(ErrorCodes.OrderNotConsumed, $"Order {order} has consumed no coupons."),
            (coupon, now) => coupon.Refund(order, now));

    public static Refusal NotLocked(OrderId order) =>
        new(ErrorCodes.OrderNotLocked, $"No coupons were locked for order {order}.");
}

/// <summary>
/// The engine's <see cref="ICouponCheckout"/> port: the order verbs in the caller's transaction (the settlement's HTTP
/// verbs and its saga).
/// </summary>
internal sealed class CouponCheckout(
    OrderCheckout checkout, CheckoutVerbs verbs, ServiceTrust trust, IOptions<EngineOptions> options) : ICouponCheckout
{
    public CheckoutLimits Limits { get; } = new(options.Value.MaxCouponsPerOrder, options.Value.MaxLockTtlSeconds);

    public Task<CheckoutResult> LockAsync(
        CheckoutCaller caller, OrderId order, UserId user, IReadOnlyList<UserCouponId> coupons, TimeSpan ttl, string? quoteId,
        WriteScope scope, CancellationToken ct, IReadOnlyDictionary<UserCouponId, long>? discounts = null) =>
        RunAsync(verbs.Lock(As(caller), order, user, coupons, ttl, quoteId, discounts), scope, ct);

    public Task<CheckoutResult> ConsumeAsync(CheckoutCaller caller, OrderId order, WriteScope scope, CancellationToken ct) =>
        RunAsync(verbs.Consume(As(caller), order, ct), scope, ct);

    public Task<CheckoutResult> ReleaseAsync(CheckoutCaller caller, OrderId order, WriteScope scope, CancellationToken ct) =>
        RunAsync(verbs.Release(As(caller), order, ct), scope, ct);

    public Task<CheckoutResult> RefundAsync(CheckoutCaller caller, OrderId order, WriteScope scope, CancellationToken ct) =>
        RunAsync(verbs.Refund(As(caller), order, ct), scope, ct);

    /// <summary>A service is held to the order's owner; the saga is trusted, and its locks are the order events' service's.</summary>
    private OrderCaller As(CheckoutCaller caller) => caller switch
    {
        CheckoutCaller.Service service => new OrderCaller(service.Subject, Trusted: false),
        CheckoutCaller.Saga => new OrderCaller(trust.OrderEventsService, Trusted: true),
        _ => throw new System.Diagnostics.UnreachableException(),
    };

    private async Task<CheckoutResult> RunAsync(OrderVerb verb, WriteScope scope, CancellationToken ct) =>
        (await checkout.ApplyAsync(verb, scope, ct)) switch
        {
            (CheckoutOutcome.Done done, var fresh) => new CheckoutResult(OrderCheckout.Checked(done.Response), null, !fresh, [], done.Response),
            (CheckoutOutcome.Refused refused, _) => new CheckoutResult([], refused.Refusal, false,
                refused.Refusal.Details?.GetValueOrDefault("coupons") is IReadOnlyList<CouponRefusal> coupons
                    ? coupons.Select(c => new RefusedCoupon(
                        new UserCouponId(long.Parse(c.CouponId, CultureInfo.InvariantCulture)), c.Status, c.Reason)).ToList()
                    : [], null),
            _ => throw new System.Diagnostics.UnreachableException(),
        };
}
