using Microsoft.Extensions.Options;
using PromotionEngine.Contracts.Events.Orders.V1;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Kernel.Validation;
using PromotionEngine.Settlement.Quotes;

namespace PromotionEngine.Settlement.Orders;

/// <summary>
/// The settlement's part in the order/payment saga (consumer settlement.order-saga): order events in, coupon verbs through
/// the engine's port, the settlement record and the events, all in the delivery's transaction with its inbox record, so
/// each event takes effect once. Events may come twice (the inbox skips them, and a repeat with another event id finds
/// the step done) or out of order: a payment, cancellation or refund before the order waits in the record for it; a
/// payment after the hold lapsed or after a release is refused and reported, never spending a coupon that went back.
/// </summary>
internal sealed class OrderSaga(IOrderRecords records, OrderSteps steps, QuotePins pins, ServiceTrust trust, IOptions<SettlementOptions> options,
    TimeProvider clock)
    : IEventHandler<OrderCreated>, IEventHandler<PaymentSucceeded>, IEventHandler<PaymentFailed>, IEventHandler<OrderCancelled>,
    IEventHandler<RefundSucceeded>
{
    public const string Consumer = "settlement.order-saga";
    public const int MaxLockTtlSeconds = 604_800;
    public const int MaxCoupons = 1000;

    public static IEnumerable<EventSubscription> Subscriptions =>
    [
        EventSubscription.Group<OrderCreated, OrderSaga>(Consumer),
        EventSubscription.Group<PaymentSucceeded, OrderSaga>(Consumer),
        EventSubscription.Group<PaymentFailed, OrderSaga>(Consumer),
        EventSubscription.Group<OrderCancelled, OrderSaga>(Consumer),
        EventSubscription.Group<RefundSucceeded, OrderSaga>(Consumer),
    ];

    public async Task HandleAsync(OrderCreated e, EventContext context, WriteScope scope, CancellationToken ct)
    {
        var (record, cause, now) = await BeginAsync(e.OrderId, context, scope, ct);
        if (record is null)
        {
            record = OrderRecord.New(e.OrderId, e.UserId, trust.OrderEventsService, now);
        }
        else if (record.State != OrderStates.AwaitingOrder)
        {
            record.Note(
                StepNames.Lock, cause.Source, StepOutcomes.Ignored, null,
                $"The order is known already ({record.State}).", now, cause.Type, cause.EventId);
            await records.SaveAsync(record, scope, ct);
            return;
        }
        record.UserId = e.UserId;
        record.Currency = e.Currency;
        await CreateAsync(record, e, cause, scope, now, ct);
        if (record.PaymentPending && record.State != OrderStates.AwaitingOrder) await steps.PaidAsync(record, cause, scope, now, ct);
        await records.SaveAsync(record, scope, ct);
    }

    private async Task CreateAsync(OrderRecord record, OrderCreated e, StepCause cause, WriteScope scope, DateTimeOffset now, CancellationToken ct)
    {
        if (record.ClosedBy is { } closed)
        {
            record.Released();
            record.Note(
                StepNames.Lock, cause.Source, StepOutcomes.Ignored, "ORDER_CLOSED",
                $"{closed} came first: nothing is held.", now, cause.Type, cause.EventId);
            return;
        }
        if (Invalid(e) is { } problem)
        {
            await steps.RefuseAsync(record, StepNames.Lock, OrderStates.LockRefused, "ORDER_EVENT_INVALID", problem, cause, scope, now, ct);
            return;
        }
        var ttl = e.LockTtlSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : options.Value.LockTtl;
        if (e.QuoteId is { } quoteId)
        {
            var pin = await pins.PinForOrderEventAsync(quoteId, new UserId(e.UserId), now, ct);
            if (pin.Refusal is { Code: QuotePins.HasNoCoupons })
            {
                if (await steps.PricedAsync(quoteId, ct) is { } priced) record.Price(priced);
                record.QuoteId = quoteId;
                NoCoupons(record, cause, now);
            }
            else if (pin.Refusal is { } refused)
            {
                await steps.RefuseAsync(record, StepNames.Lock, OrderStates.LockRefused, refused.Code, refused.Message, cause, scope, now, ct);
            }
            else
            {
                await steps.LockAsync(record, pin.Coupons, ttl, quoteId, cause, scope, now, ct, pin.Discounts);
            }
            return;
        }
        if (e.CouponIds is not { Count: > 0 } ids)
        {
            NoCoupons(record, cause, now);
            return;
        }
        await steps.LockAsync(record, ids.Select(id => new UserCouponId(id)).ToList(), ttl, null, cause, scope, now, ct);
    }

    private static void NoCoupons(OrderRecord record, StepCause cause, DateTimeOffset now)
    {
        record.NoCoupons();
        record.Note(
            StepNames.Lock, cause.Source, StepOutcomes.Done, null, "The order uses no coupon: nothing to hold.", now, cause.Type, cause.EventId);
    }

    private static string? Invalid(OrderCreated e)
    {
        if (e.UserId < 1) return "userId must be a positive id.";
        if (!Currency.IsCode(e.Currency)) return "currency: " + Currency.Rule;
        if (e.QuoteId is not null && e.CouponIds is not null) return "Either quoteId or couponIds, not both.";
        if (e.QuoteId is { Length: 0 or > 40 } || !FreeText.IsClean(e.QuoteId)) return "quoteId is a quote id from POST /api/v1/settlement/quotes.";
        if (e.CouponIds is { } ids && (ids.Count > MaxCoupons || ids.Any(id => id < 1) || ids.Distinct().Count() != ids.Count))
            return $"couponIds: at most {MaxCoupons} distinct positive ids.";
        if (e.LockTtlSeconds is < 1 or > MaxLockTtlSeconds) return $"lockTtlSeconds: 1 to {MaxLockTtlSeconds}.";
        return null;
    }

    public async Task HandleAsync(PaymentSucceeded e, EventContext context, WriteScope scope, CancellationToken ct)
    {
        var (record, cause, now) = await BeginAsync(e.OrderId, context, scope, ct);
        record ??= OrderRecord.New(e.OrderId, 0, trust.OrderEventsService, now);
        (record.Paid, record.PaymentId) = (e.Amount, e.PaymentId);
        await steps.PaidAsync(record, cause, scope, now, ct);
        await records.SaveAsync(record, scope, ct);
    }

    public Task HandleAsync(PaymentFailed e, EventContext context, WriteScope scope, CancellationToken ct) =>
        CloseAsync(e.OrderId, "payment-failed", context, scope, ct);

    public Task HandleAsync(OrderCancelled e, EventContext context, WriteScope scope, CancellationToken ct) =>
        CloseAsync(e.OrderId, "order-cancelled", context, scope, ct);

    private async Task CloseAsync(string orderId, string why, EventContext context, WriteScope scope, CancellationToken ct)
    {
        var (record, cause, now) = await BeginAsync(orderId, context, scope, ct);
        record ??= OrderRecord.New(orderId, 0, trust.OrderEventsService, now);
        await steps.ClosedAsync(record, why, cause, scope, now, ct);
        await records.SaveAsync(record, scope, ct);
    }

    public async Task HandleAsync(RefundSucceeded e, EventContext context, WriteScope scope, CancellationToken ct)
    {
        var (record, cause, now) = await BeginAsync(e.OrderId, context, scope, ct);
        record ??= OrderRecord.New(e.OrderId, 0, trust.OrderEventsService, now);
        var lines = e.Lines?.Select(l => new SkuQuantity(l.Sku, l.Quantity)).ToList();
        if (RefundRequests.Invalid(e.RefundId, lines) is { } problem)
            await steps.RefuseAsync(record, StepNames.Refund, null, "ORDER_EVENT_INVALID", problem, cause, scope, now, ct);
        else if (record.Refunds.FirstOrDefault(r => r.RefundId == e.RefundId) is { } earlier)
            await RepeatedAsync(record, earlier, lines, cause, scope, now, ct);
        else if (record.State is OrderStates.AwaitingOrder or OrderStates.Locked)
        {
            record.Park(new RefundEntry(e.RefundId, lines, e.Amount, true, null, false, now));
            record.Note(StepNames.Refund, cause.Source, StepOutcomes.Pending, null, $"Refund {e.RefundId} came before the payment: settled after it.",
                now, cause.Type, cause.EventId);
        }
        else if (record.State is OrderStates.Consumed or OrderStates.Refunded)
            await steps.RefundAsync(record, e.RefundId, lines, e.Amount, cause, restore: true, scope, now, ct);
        else
            record.Note(
                StepNames.Refund, cause.Source, StepOutcomes.Ignored, null,
                $"No coupon was spent on the order ({record.State}).", now, cause.Type, cause.EventId);
        await records.SaveAsync(record, scope, ct);
    }

    private async Task RepeatedAsync(OrderRecord record, RefundEntry earlier, IReadOnlyList<SkuQuantity>? lines, StepCause cause, WriteScope scope,
        DateTimeOffset now, CancellationToken ct)
    {
        if (RefundRequests.Same(earlier.Lines, lines))
            record.Note(
                StepNames.Refund, cause.Source, StepOutcomes.Ignored, null,
                $"Refund {earlier.RefundId} was settled already.", now, cause.Type, cause.EventId);
        else
            await steps.RefuseAsync(
                record, StepNames.Refund, null, RefundRequests.IdReused,
                $"Refund {earlier.RefundId} was settled before with other lines.", cause, scope, now, ct);
    }

    private async Task<(OrderRecord? Record, StepCause Cause, DateTimeOffset Now)> BeginAsync(
        string orderId, EventContext context, WriteScope scope, CancellationToken ct)
    {
        // An order id we cannot store is not an order of ours: the event is retried and dead-lettered with this reason.
        if (!OrderId.IsValid(orderId))
            throw new FormatException(
                $"{context.Envelope.Type} {context.Envelope.EventId}: orderId must be 1 to {OrderId.MaxLength} characters of [A-Za-z0-9_.:-].");
        var cause = new StepCause(StepSources.Event, context.Envelope.Type, context.Envelope.EventId);
        return (await records.FindAsync(orderId, scope, ct), cause, UtcMillis.Now(clock));
    }
}

/// <summary>What makes a refund request well formed, and the same as an earlier one.</summary>
internal static class RefundRequests
{
    public const string IdReused = "REFUND_ID_REUSED";
    public const int MaxRefundIdLength = 64;

    public static string? Invalid(string? refundId, IReadOnlyList<SkuQuantity>? lines)
    {
        if (string.IsNullOrWhiteSpace(refundId) || refundId.Length > MaxRefundIdLength) return $"refundId: 1 to {MaxRefundIdLength} characters.";
        if (!FreeText.IsClean(refundId)) return "refundId: " + FreeText.SingleLineRule;
        if (lines is { Count: 0 }) return "lines: at least one line, or null for the whole order.";
        if (lines is not null && lines.Any(l => string.IsNullOrWhiteSpace(l.Sku) || l.Quantity < 1))
            return "lines: each with a sku and a quantity of at least 1.";
        if (lines is not null && lines.Any(l => !FreeText.IsClean(l.Sku)))
            return "lines: a sku has a character it may not: " + FreeText.SingleLineRule;
        return null;
    }

    public static bool Same(IReadOnlyList<SkuQuantity>? a, IReadOnlyList<SkuQuantity>? b) =>
        a is null ? b is null : b is not null && a.SequenceEqual(b);
}
