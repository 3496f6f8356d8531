using PromotionEngine.Contracts.Engine;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Settlement.Orders;

/// <summary>
/// An order verb the engine carried out for an HTTP call: LOCK, CONSUME, RELEASE or REFUND (every consumed coupon
/// restored). Caller: the service identity that asked (a new settlement record is that service's).
/// </summary>
internal sealed record OrderStep(
    OrderId Order, string Operation, UserId User, string? QuoteId, IReadOnlyList<CheckedCoupon> Coupons, DateTimeOffset At, string Caller);

/// <summary>
/// The HTTP order verbs (<see cref="Checkout.CheckoutOrder"/>) record their steps here, in the verb's transaction: the same
/// record the saga keeps, so it is right whichever way the order system drives the coupons (HTTP verbs or order events).
/// The engine moved the coupons already; the record follows. The refund verb restores every coupon, so it is the whole
/// order refunded.
/// </summary>
internal sealed class OrderLedger(IOrderRecords records, OrderSteps steps)
{
    public const string EngineRefundId = "engine-refund";

    public async Task RecordAsync(OrderStep step, WriteScope scope, CancellationToken ct)
    {
        var now = step.At;
        var record = await records.FindAsync(step.Order.Value, scope, ct) ?? OrderRecord.New(step.Order.Value, step.User.Value, step.Caller, now);
        var http = StepCause.Http;
        switch (step.Operation)
        {
            case OrderVerbs.Lock:
                OrderSteps.Locked(record, step.Coupons, step.QuoteId, await steps.PricedAsync(step.QuoteId, ct), http, now);
                break;
            case OrderVerbs.Consume:
                await steps.ConsumedAsync(record, http, scope, now, ct);
                break;
            case OrderVerbs.Release:
                OrderSteps.Released(record, http, now);
                break;
            case OrderVerbs.Refund:
                var refused = await steps.RefundAsync(record, EngineRefundId, null, 0, http, restore: false, scope, now, ct);
                if (refused is not null)
                    throw new InvalidOperationException($"The engine refunded order {step.Order} but its record refuses: {refused.Message}");
                break;
            default:
                throw new ArgumentException($"Unknown order operation {step.Operation}.", nameof(step));
        }
        await records.SaveAsync(record, scope, ct);
    }
}
