using System.Text.Json;
using PromotionEngine.Contracts.Http.Engine;
using PromotionEngine.Engine.Coupons;
using PromotionEngine.Engine.Http;
using PromotionEngine.Engine.Messaging;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Checkout;

/// <summary>
/// The transaction all four order verbs share: answer a repeat from the operation record, otherwise move
/// every coupon of the order or none, save each with its version, and record the operation and its answer.
/// </summary>
internal sealed class OrderCheckout(IDatabase db, IUserCoupons coupons, IOrderOperations operations, IOutbox outbox, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <param name="target">Which coupons of which user the verb applies to, or a refusal (e.g. nothing was locked for the order).</param>
    public Task<CheckoutOutcome> RunAsync(OrderId order, string operation, string requestHash,
        Func<WriteScope, Task<(UserId User, IReadOnlyList<UserCouponId> Coupons)?>> target, Refusal noTarget,
        Func<UserCoupon, DateTimeOffset, CouponMove> move, CancellationToken ct) =>
        db.WriteWithRetryAsync<CheckoutOutcome>(async scope =>
        {
            if (await operations.FindAsync(order, operation, scope, ct) is { } earlier)
            {
                return earlier.RequestHash == requestHash
                    ? new CheckoutOutcome.Done(JsonSerializer.Deserialize<OrderCouponsResponse>(earlier.ResponseJson, Json)!)
                    : new CheckoutOutcome.Refused(new Refusal(RefusalKind.Conflict, "IDEMPOTENCY_MISMATCH",
                        $"Order {order} already did {operation} with a different request."));
            }
            if (await target(scope) is not { } which) return new CheckoutOutcome.Refused(noTarget);

            var found = await coupons.GetAsync(which.User, which.Coupons, scope, ct);
            var missing = which.Coupons.Except(found.Select(c => c.Id)).ToList();
            if (missing.Count > 0)
            {
                return new CheckoutOutcome.Refused(new Refusal(RefusalKind.NotFound, "COUPON_NOT_FOUND",
                    $"The user holds no coupon {string.Join(", ", missing)}.", "couponIds",
                    new Dictionary<string, object?> { ["missingCouponIds"] = missing.Select(m => m.ToString()).ToArray() }));
            }

            var now = UtcMillis.Now(clock);
            var refusals = new List<CouponRefusal>();
            var moved = new List<UserCoupon>();
            foreach (var coupon in found)
            {
                var before = coupon.StatusAt(now);
                switch (move(coupon, now))
                {
                    case CouponMove.Moved: moved.Add(coupon); break;
                    case CouponMove.AlreadyDone: break;
                    case var refused: refusals.Add(new CouponRefusal(coupon.Id.ToString(), CouponStatusNames.Of(before), ReasonOf(refused))); break;
                }
            }
            if (refusals.Count > 0)
            {
                // All or none: nothing is saved, the caller learns each coupon's state and why.
                return new CheckoutOutcome.Refused(new Refusal(RefusalKind.Conflict, "ILLEGAL_TRANSITION",
                    $"{operation} is not possible for {refusals.Count} of the order's coupons; none changed.", null,
                    new Dictionary<string, object?>
                    {
                        ["operation"] = operation,
                        ["coupons"] = refusals,
                        ["currentStatus"] = refusals.Count == 1 ? refusals[0].Status : null,
                    }));
            }

            foreach (var coupon in moved) await coupons.SaveAsync(coupon, scope, ct);
            await outbox.AddAsync(moved.SelectMany(CouponEvents.Of).ToList(), scope, ct);
            var response = new OrderCouponsResponse(order.Value, operation, found.Select(c => c.ToResponse(now)).ToList());
            await operations.RecordAsync(new OrderOperation(order, operation, which.User, which.Coupons, requestHash,
                JsonSerializer.Serialize(response, Json), now), scope, ct);
            await scope.CommitAsync(ct);
            return new CheckoutOutcome.Done(response);
        }, ct);

    /// <summary>The coupons a prior operation of this order touched (e.g. the lock, for consume).</summary>
    public async Task<(UserId User, IReadOnlyList<UserCouponId> Coupons)?> CouponsOfAsync(OrderId order, string operation, WriteScope scope, CancellationToken ct) =>
        await operations.FindAsync(order, operation, scope, ct) is { } prior ? (prior.User, prior.Coupons) : null;

    private static string ReasonOf(CouponMove move) => move switch
    {
        CouponMove.HoldLapsed => "HOLD_EXPIRED",
        CouponMove.HeldByAnotherOrder => "HELD_BY_ANOTHER_ORDER",
        _ => "STATE_DOES_NOT_ALLOW",
    };
}

internal sealed record CouponRefusal(string CouponId, string Status, string Reason);
