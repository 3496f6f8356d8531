using System.Text.Json;
using PromotionEngine.Contracts.Engine;
using PromotionEngine.Contracts.Http.Engine;
using PromotionEngine.Engine.Budgets;
using PromotionEngine.Engine.Coupons;
using PromotionEngine.Engine.Http;
using PromotionEngine.Engine.Messaging;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Checkout;

/// <summary>
/// One order verb: who asks, which operation, what makes a repeat the same request, which coupons it applies to, and
/// the move per coupon; for a lock, the discount each coupon takes (a quote's allocation) when the caller knows it, which is what
/// the lock reserves of the coupon's budgets (<see cref="BudgetLedger"/>).
/// </summary>
/// <param name="Target">Which coupons of which user the verb applies to, or null for <paramref name="NoTarget"/> (e.g.
/// nothing was locked for the order).</param>
internal sealed record OrderVerb(OrderCaller Caller, OrderId Order, string Operation, string RequestHash,
    Func<WriteScope, Task<(UserId User, IReadOnlyList<UserCouponId> Coupons)?>> Target, Refusal NoTarget,
    Func<UserCoupon, DateTimeOffset, CouponMove> Move, IReadOnlyDictionary<UserCouponId, long>? Discounts = null);

/// <summary>
/// Who runs an order verb, as the engine holds it: a service (its token subject), held to the order's owner; or the
/// order saga, trusted and acting as the order events' service (<see cref="CheckoutCaller"/>).
/// </summary>
internal sealed record OrderCaller(string Subject, bool Trusted);

/// <summary>
/// What all four order verbs share, in the caller's transaction (the <see cref="ICouponCheckout"/> port): answer a repeat
/// from the operation record, otherwise move every coupon of the order or none, save each with its version, and record
/// the operation and its answer. The caller records what it keeps of the step and commits.
/// </summary>
internal sealed class OrderCheckout(
    IUserCoupons coupons, IOrderOperations operations, IOutbox outbox, ServiceTrust trust, EngineMetrics metrics, TimeProvider clock,
    BudgetLedger budgets)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The verb in <paramref name="scope"/>, not committed. Fresh: it changed something now (not a repeat, not a refusal). Counted
    /// (<see cref="EngineMetrics"/>) as decided: a transaction the caller then rolls back is counted again when retried.
    /// </summary>
    public async Task<(CheckoutOutcome Outcome, bool Fresh)> ApplyAsync(OrderVerb verb, WriteScope scope, CancellationToken ct)
    {
        var (outcome, fresh, moved) = await DecideAsync(verb, scope, ct);
        metrics.OrderVerb(verb.Operation, outcome is CheckoutOutcome.Refused ? "refused" : fresh ? "applied" : "replayed",
            outcome is CheckoutOutcome.Refused r ? r.Refusal.Code : null);
        metrics.Moved(moved);
        return (outcome, fresh);
    }

    private async Task<(CheckoutOutcome Outcome, bool Fresh, IReadOnlyList<UserCoupon> Moved)> DecideAsync(
        OrderVerb verb, WriteScope scope, CancellationToken ct)
    {
        var order = verb.Order;
        var earlier = await operations.FindAsync(order, verb.Operation, scope, ct);
        // The order is the locking service's: to any other (outside its trusted group) it is not there, stored answers included.
        var locked = verb.Operation == OrderVerbs.Lock ? earlier : await operations.FindAsync(order, OrderVerbs.Lock, scope, ct);
        if (!verb.Caller.Trusted && locked is not null && !trust.MayActFor(verb.Caller.Subject, locked.Caller))
            return (new CheckoutOutcome.Refused(new Refusal(ErrorCodes.OrderNotFound, $"This service has no order {order}.")), false, []);
        if (earlier is not null)
        {
            return (earlier.RequestHash == verb.RequestHash
                ? new CheckoutOutcome.Done(JsonSerializer.Deserialize<OrderCouponsResponse>(earlier.ResponseJson, Json)!)
                : new CheckoutOutcome.Refused(new Refusal(ErrorCodes.IdempotencyMismatch,
                    $"Order {order} already did {verb.Operation} with a different request.")), false, []);
        }
        if (await verb.Target(scope) is not { } which) return (new CheckoutOutcome.Refused(verb.NoTarget), false, []);

        var found = await coupons.GetAsync(which.User, which.Coupons, scope, ct);
        var missing = which.Coupons.Except(found.Select(c => c.Id)).ToList();
        if (missing.Count > 0)
        {
            return (new CheckoutOutcome.Refused(new Refusal(ErrorCodes.CouponNotFound,
                $"The user holds no coupon {string.Join(", ", missing)}.", "couponIds",
                new Dictionary<string, object?> { ["missingCouponIds"] = missing.Select(m => m.ToString()).ToArray() })), false, []);
        }

        var now = UtcMillis.Now(clock);
        var refusals = new List<CouponRefusal>();
        var moved = new List<UserCoupon>();
        foreach (var coupon in found)
        {
            var before = coupon.StatusAt(now);
            switch (verb.Move(coupon, now))
            {
                case CouponMove.Moved: moved.Add(coupon); break;
                case CouponMove.AlreadyDone: break;
                case var refused: refusals.Add(new CouponRefusal(coupon.Id.ToString(), CouponStatusNames.Of(before), ReasonOf(refused))); break;
            }
        }
        if (refusals.Count > 0)
        {
            // All or none: nothing is saved, the caller learns each coupon's state and why.
            return (new CheckoutOutcome.Refused(new Refusal(ErrorCodes.IllegalTransition,
                $"{verb.Operation} is not possible for {refusals.Count} of the order's coupons; none changed.", null,
                new Dictionary<string, object?>
                {
                    ["operation"] = verb.Operation,
                    ["coupons"] = refusals,
                    ["currentStatus"] = refusals.Count == 1 ? refusals[0].Status : null,
                })), false, []);
        }

        // The budgets move with the coupons, in this transaction; a lock they cannot cover is refused and changes nothing.
        if (await budgets.ApplyAsync(moved, verb.Discounts, now, scope, ct) is { } exhausted)
            return (new CheckoutOutcome.Refused(exhausted), false, []);
        foreach (var coupon in moved) await coupons.SaveAsync(coupon, scope, ct);
        await outbox.AddAsync(moved.SelectMany(CouponEvents.Of).ToList(), scope, ct);
        var response = new OrderCouponsResponse(order.Value, verb.Operation, found.Select(c => c.ToResponse(now)).ToList());
        await operations.RecordAsync(new OrderOperation(order, verb.Operation, which.User, which.Coupons, verb.RequestHash,
            JsonSerializer.Serialize(response, Json), now, verb.Caller.Subject), scope, ct);
        return (new CheckoutOutcome.Done(response), true, moved);
    }

    /// <summary>The coupons a prior operation of this order touched (e.g. the lock, for consume).</summary>
    public async Task<(UserId User, IReadOnlyList<UserCouponId> Coupons)?> CouponsOfAsync(
        OrderId order, string operation, WriteScope scope, CancellationToken ct) =>
        await operations.FindAsync(order, operation, scope, ct) is { } prior ? (prior.User, prior.Coupons) : null;

    public static IReadOnlyList<CheckedCoupon> Checked(OrderCouponsResponse response) =>
        response.Coupons.Select(c => new CheckedCoupon(new UserCouponId(long.Parse(c.Id, System.Globalization.CultureInfo.InvariantCulture)),
            new UserId(long.Parse(c.UserId, System.Globalization.CultureInfo.InvariantCulture)), c.Status, c.LockedUntil)).ToList();

    private static string ReasonOf(CouponMove move) => move switch
    {
        CouponMove.HoldLapsed => "HOLD_EXPIRED",
        CouponMove.HeldByAnotherOrder => "HELD_BY_ANOTHER_ORDER",
        _ => "STATE_DOES_NOT_ALLOW",
    };
}

internal sealed record CouponRefusal(string CouponId, string Status, string Reason);
