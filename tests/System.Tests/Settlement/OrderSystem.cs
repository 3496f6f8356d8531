using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NATS.Client.Core;
using NATS.Client.JetStream;
using PromotionEngine.Contracts.Events.Orders.V1;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Settlement;

/// <summary>
/// A small order and payment service of the tests' own: it places orders, takes payments, cancels and refunds, and says
/// so with order events, the way a shop's order system would. On the in-process transport it posts them to the
/// settlement's ingestion endpoint; on NATS it publishes them to JetStream itself (subject, envelope, Nats-Msg-Id), as an
/// outside producer does. <see cref="SendAsync"/> with a chosen event id sends a duplicate.
/// </summary>
public sealed class OrderSystem(EngineApp app, string? natsUrl) : IAsyncDisposable
{
    private readonly HttpClient _service = app.AsService();
    private NatsConnection? _nats;

    public static OrderSystem For(EngineApp app) =>
        new(app, app.Settings.GetValueOrDefault("Messaging:Transport") == "Nats" ? app.Settings["Messaging:Nats:Url"] : null);

    public Task<Guid> CreatedAsync(string order, long user, string? quoteId = null, IEnumerable<string>? couponIds = null, int? ttlSeconds = null) =>
        SendAsync(new OrderCreated(order, user, "CNY", quoteId, couponIds?.Select(long.Parse).ToList(), ttlSeconds, app.Clock.GetUtcNow()));

    public Task<Guid> PaidAsync(string order, long amount)
        => SendAsync(new PaymentSucceeded(order, "pay-" + order, amount, "CNY", app.Clock.GetUtcNow()));

    public Task<Guid> PaymentFailedAsync(string order) => SendAsync(new PaymentFailed(order, "pay-" + order, "CARD_DECLINED", app.Clock.GetUtcNow()));

    public Task<Guid> CancelledAsync(string order) => SendAsync(new OrderCancelled(order, "BUYER_CHANGED_MIND", app.Clock.GetUtcNow()));

    public Task<Guid> RefundedAsync(string order, string refundId, long amount, params (string Sku, int Quantity)[] lines) =>
        SendAsync(new RefundSucceeded(
            order, refundId, lines.Length == 0 ? null : lines.Select(l => new RefundedLine(l.Sku, l.Quantity)).ToList(),
            amount, app.Clock.GetUtcNow()));

    /// <summary>Sends the event under <paramref name="eventId"/> (a new one if null); the same id twice is a duplicate delivery.</summary>
    public async Task<Guid> SendAsync<T>(T payload, Guid? eventId = null) where T : IOrderEvent
    {
        var envelope = EventEnvelope.Create(payload, app.Clock.GetUtcNow(), payload.OrderId) with { EventId = eventId ?? Guid.CreateVersion7() };
        if (natsUrl is null) await IngestAsync(envelope);
        else await PublishAsync(envelope);
        return envelope.EventId;
    }

    /// <summary>Sends through the settlement's ingestion endpoint whatever the transport (on NATS the outbox publishes it).</summary>
    public async Task<Guid> IngestAsync<T>(T payload, Guid eventId) where T : IOrderEvent
    {
        await IngestAsync(EventEnvelope.Create(payload, app.Clock.GetUtcNow(), payload.OrderId) with { EventId = eventId });
        return eventId;
    }

    private async Task IngestAsync(EventEnvelope envelope)
    {
        var response = await _service.PostAsJsonAsync(
            "/api/v1/settlement/order-events", new { envelope.EventId, envelope.Type, envelope.OccurredAt, envelope.Payload });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private async Task PublishAsync(EventEnvelope envelope)
    {
        _nats ??= new NatsConnection(new NatsOpts { Url = natsUrl! });
        var js = new NatsJSContext(_nats);
        var subject = app.Settings["Messaging:Nats:SubjectPrefix"] + envelope.Subject;
        // The settlement creates the orders stream when its consumer starts; until then JetStream has no responder.
        await EventuallySucceeds<NatsException>(async () =>
        {
            try
            {
                var ack = await js.PublishAsync(subject, JsonSerializer.SerializeToUtf8Bytes(envelope, EventJson.Options),
                    opts: new NatsJSPubOpts { MsgId = envelope.EventId.ToString() });
                ack.EnsureSuccess();
            }
            catch (NatsJSDuplicateMessageException)
            {
                // the broker has this event id already (Nats-Msg-Id within the duplicate window): dropped, as intended
            }
        }, Seconds(30), $"JetStream to take {envelope.Type} {envelope.EventId} on {subject}", every: TimeSpan.FromMilliseconds(100));
    }

    /// <summary>The order's settlement record once <paramref name="until"/> holds (the saga works asynchronously).</summary>
    public async Task<JsonElement> RecordAsync(string order, Func<JsonElement, bool> until)
    {
        var (_, record) = await Eventually(async () =>
        {
            var response = await _service.GetAsync($"/api/v1/settlement/orders/{order}");
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync()); // 404 until its first event is handled
        }, answer => answer.StatusCode == HttpStatusCode.OK && until(JsonDocument.Parse(answer.Body).RootElement), Seconds(30),
            $"the settlement record of {order} to get there");
        return JsonDocument.Parse(record).RootElement;
    }

    /// <summary>The record once it has at least <paramref name="steps"/> steps in its history.</summary>
    public Task<JsonElement> RecordAfterAsync(string order, int steps) => RecordAsync(order, r => r.GetProperty("history").GetArrayLength() >= steps);

    public async ValueTask DisposeAsync()
    {
        if (_nats is not null) await _nats.DisposeAsync();
    }
}
