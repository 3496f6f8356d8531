using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PromotionEngine.Contracts.Events.Orders.V1;
using PromotionEngine.Contracts.Http.Settlement;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Kernel.Requests;
using PromotionEngine.Kernel.Validation;
using PromotionEngine.Settlement.Http;
using PromotionEngine.Settlement.Quotes;

namespace PromotionEngine.Settlement.Orders;

/// <summary>The settlement record of an order, refunds by line, and the order-event ingestion of the embedded default (service role).</summary>
internal static class OrderEndpoints
{
    private const string OrderIdRule = "1 to 64 characters of letters, digits, _ - . :";

    public static void MapOrderEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/settlement").WithTags("Settlement").RequireAuthorization(QuoteEndpoints.ServicePolicy);
        group.MapGet("orders/{orderId}", GetAsync).WithName("GetSettlementRecord")
            .WithSummary("Get an order's settlement record")
            .WithDescription("The order's state, coupons, the discount quoted, held, spent, given back and restored, its refunds and "
                + "claw-back, and every step with its cause (docs/settlement.md). Only the service whose verb or events made the record "
                + "(or its trusted group) sees it.")
            .Answers<SettlementRecordResponse>(StatusCodes.Status200OK, "The settlement record.")
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.SettlementNotFound)
            .Example(SettlementExamples.Settled);
        group.MapPost("orders/{orderId}/refunds", RefundAsync).WithName("RefundOrder").WithMetadata(AcceptsIdempotencyKey.Instance)
            .WithSummary("Refund an order by lines")
            .WithDescription("Settles a refund by sku and quantity (or of everything left, lines absent) with the allocation the quote "
                + "pinned: what is due, what the coupon claws back; when the whole order is refunded its coupons are restored. refundId "
                + "makes a repeat the same refund (200 with the record).")
            .Answers<SettlementRecordResponse>(StatusCodes.Status200OK, "The settlement record with the refund.")
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.SettlementNotFound, ErrorCodes.OrderNotConsumed, ErrorCodes.RefundIdReused,
                ErrorCodes.RefundLineUnknown, ErrorCodes.RefundExceedsOrder, ErrorCodes.NothingToRefund, ErrorCodes.IllegalTransition)
            .Example(SettlementExamples.RefundedByLine);
        group.MapPost("order-events", IngestAsync).WithName("IngestOrderEvent").WithMetadata(AcceptsIdempotencyKey.Instance)
            .WithSummary("Send an order event (embedded default)")
            .WithDescription("Where the order system has no broker of its own: the event (order-created, payment-succeeded, "
                + "payment-failed, order-cancelled, refund-succeeded; docs/events.md) is recorded as if published on "
                + "promo.orders.<type>.v1 and delivered to the order saga; its outcome shows in the settlement record. The same eventId "
                + "is handled once.")
            .Answers<OrderEventAccepted>(StatusCodes.Status202Accepted, "Recorded: the saga handles it shortly.")
            .Refuses(ErrorCodes.ValidationFailed)
            .Example(SettlementExamples.Ingested);
    }

    private static async Task<IResult> GetAsync(
        string orderId, HttpContext http, IOrderRecords records, ServiceTrust trust, TimeProvider clock, CancellationToken ct)
    {
        if (!OrderId.IsValid(orderId)) return ProblemResults.Invalid(new FieldErrors().Add("orderId", OrderIdRule));
        return await records.ReadAsync(orderId, ct) is { } found && trust.MayActFor(PolicyCallers.ServiceOf(http), found.Record.Owner)
            ? TypedResults.Ok(RecordView.Of(found.Record, found.History, UtcMillis.Now(clock)))
            : ProblemResults.From(NotFound(orderId)); // another service's record is not there for this one
    }

    private static async Task<IResult> RefundAsync(
        string orderId, RefundRequest request, HttpContext http, IDatabase db, IOrderRecords records,
        OrderSteps steps, ServiceTrust trust, IKeyedRequests keys, TimeProvider clock, CancellationToken ct)
    {
        var caller = PolicyCallers.ServiceOf(http);
        var lines = request.Lines?.Select(l => new SkuQuantity(l?.Sku ?? "", l?.Quantity ?? 0)).ToList();
        var errors = new FieldErrors()
            .When(!OrderId.IsValid(orderId), "orderId", OrderIdRule)
            .When(request.Amount is < 0, "amount", "What the shop paid back, in minor units: 0 or more.");
        if (RefundRequests.Invalid(request.RefundId, lines) is { } problem)
            errors.Add(problem.StartsWith("refundId", StringComparison.Ordinal) ? "refundId" : "lines", problem);
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);

        var refusal = await db.WriteWithRetryAsync(async scope =>
        {
            var now = UtcMillis.Now(clock);
            if (await records.FindAsync(orderId, scope, ct) is not { } record || !trust.MayActFor(caller, record.Owner)) return NotFound(orderId);
            if (record.Refunds.FirstOrDefault(r => r.RefundId == request.RefundId) is { } earlier)
            {
                return RefundRequests.Same(earlier.Lines, lines) ? null
                    : new Refusal(
                        ErrorCodes.RefundIdReused,
                        $"Refund {earlier.RefundId} was settled before with other lines.",
                        "refundId");
            }
            if (record.State is not (OrderStates.Consumed or OrderStates.Refunded))
            {
                return new Refusal(
                    ErrorCodes.OrderNotConsumed,
                    $"Order {orderId} is {record.StateAt(now)}: no coupon was spent on it.",
                    null,
                    new Dictionary<string, object?> { ["state"] = record.StateAt(now) });
            }
            if (await steps.RefundAsync(
                record, request.RefundId!, lines, request.Amount ?? 0, StepCause.Http, restore: true, scope, now, ct) is { } refused)
                return refused;
            await records.SaveAsync(record, scope, ct);
            await keys.ClaimAsync(scope, ct);
            await scope.CommitAsync(ct);
            return null;
        }, ct);
        if (refusal is not null) return ProblemResults.From(refusal);
        var stored = await records.ReadAsync(orderId, ct);
        return TypedResults.Ok(RecordView.Of(stored!.Value.Record, stored.Value.History, UtcMillis.Now(clock)));
    }

    /// <summary>The order events this endpoint takes, by type.</summary>
    private static readonly Dictionary<string, Func<JsonElement, OrderEventPayload?>> Readers = new(StringComparer.Ordinal)
    {
        [OrderCreated.Type] = p => Read<OrderCreated>(p),
        [PaymentSucceeded.Type] = p => Read<PaymentSucceeded>(p),
        [PaymentFailed.Type] = p => Read<PaymentFailed>(p),
        [OrderCancelled.Type] = p => Read<OrderCancelled>(p),
        [RefundSucceeded.Type] = p => Read<RefundSucceeded>(p),
    };

    private sealed record OrderEventPayload(string OrderId, object Event);

    private static OrderEventPayload? Read<T>(JsonElement payload) where T : IOrderEvent =>
        payload.Deserialize<T>(EventJson.Options) is { } e ? new OrderEventPayload(e.OrderId, e) : null;

    /// <summary>
    /// Records the order event into the outbox, in the envelope an outside producer would publish (producer "orders",
    /// partitioned by order id, the caller's event id: a repeat is delivered again and skipped by the saga's inbox).
    /// </summary>
    private static async Task<IResult> IngestAsync(
        OrderEventRequest request, IDatabase db, IOutbox outbox, IKeyedRequests keys, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors()
            .When(request.EventId is null || request.EventId == Guid.Empty, "eventId", "Required: the event's UUID, the same for every retry of it.")
            .When(request.Type is null || !Readers.ContainsKey(request.Type), "type", $"One of {string.Join(", ", Readers.Keys)}.")
            .When(request.Payload is not { ValueKind: JsonValueKind.Object }, "payload", "Required: the event's payload object.");
        OrderEventPayload? payload = null;
        if (errors.IsEmpty)
        {
            try { payload = Readers[request.Type!](request.Payload!.Value); }
            catch (JsonException e) { errors.Add("payload", $"Not a {request.Type} payload: {e.Message}"); }
            if (payload is not null && !OrderId.IsValid(payload.OrderId)) errors.Add("payload.orderId", OrderIdRule);
            if (payload?.Event is OrderCreated { Currency: var created } && !Currency.IsCode(created)) errors.Add("payload.currency", Currency.Rule);
            if (payload?.Event is PaymentSucceeded { Currency: var paid } && !Currency.IsCode(paid)) errors.Add("payload.currency", Currency.Rule);
            if (payload is not null) CheckText(payload.Event, errors);
        }
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);

        var now = UtcMillis.Now(clock);
        var subject = EventSubjects.Subject("orders", request.Type!, 1);
        var activity = Activity.Current;
        var envelope = new EventEnvelope(request.EventId!.Value, request.Type!, 1, subject, request.OccurredAt ?? now, "orders", null,
            payload!.OrderId, payload.OrderId, activity?.Id, activity?.TraceStateString,
            JsonSerializer.SerializeToElement(payload.Event, payload.Event.GetType(), EventJson.Options));
        await db.WriteWithRetryAsync(async scope =>
        {
            await outbox.AddAsync(new OutgoingEvent(envelope, Retained: false), scope, ct);
            await keys.ClaimAsync(scope, ct);
            await scope.CommitAsync(ct);
            return true;
        }, ct);
        return TypedResults.Accepted((string?)null, new OrderEventAccepted(envelope.EventId.ToString(), subject));
    }

    /// <summary>The free text of an order event, checked as every client's text is (Kernel's FreeText): 400 naming the member.</summary>
    private static void CheckText(object orderEvent, FieldErrors errors)
    {
        switch (orderEvent)
        {
            case OrderCreated e: errors.Text("payload.quoteId", e.QuoteId); break;
            case PaymentSucceeded e: errors.Text("payload.paymentId", e.PaymentId); break;
            case PaymentFailed e: errors.Text("payload.paymentId", e.PaymentId).Text("payload.reason", e.Reason); break;
            case OrderCancelled e: errors.Text("payload.reason", e.Reason); break;
            case RefundSucceeded e:
                errors.Text("payload.refundId", e.RefundId);
                if (e.Lines?.Any(l => !FreeText.IsClean(l?.Sku)) == true) errors.Add("payload.lines", "A sku: " + FreeText.SingleLineRule);
                break;
        }
    }

    private static Refusal NotFound(string orderId) =>
        new(ErrorCodes.SettlementNotFound, $"No settlement record for order {orderId}: no order event or order verb has named it.");
}
