using Microsoft.Extensions.Options;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Platform.Messaging.Outbox;

namespace PromotionEngine.Platform.Messaging.InProcess;

/// <summary>
/// The embedded default's transport, over the same database as the outbox: publishing records the events' deliveries to each
/// subscribed consumer group in the relay's transaction (msg_deliveries), so nothing is lost across a crash and no broker is
/// needed. A consumer's events of one relay round share a delivery row, up to a consumer batch each (<see cref="Deliveries"/>):
/// a flash sale's claims cost the database a row per hundreds of events, not a row per event. Per-instance subscriptions are
/// handed the events in memory once published: this transport is for one running instance (several instances on one database
/// use NATS). A consumer whose handler says it does not want an event (<see cref="IEventInterest{T}"/>) gets no delivery of it.
/// </summary>
internal sealed class InProcessTransport(IdGenerator ids, Subscriptions subscriptions, EventDispatcher dispatcher, DeliverySignal signal,
    IServiceProvider services, TimeProvider clock, IOptions<MessagingOptions> options) : IEventTransport
{
    public string Name => "InProcess";

    public bool? Connected => null;

    public Task<PublishOutcome> PublishAsync(IReadOnlyList<OutboxMessage> batch, CancellationToken ct) => Task.FromResult(PublishOutcome.All(batch));

    public async Task EnlistAsync(IReadOnlyList<OutboxMessage> published, WriteScope scope, CancellationToken ct)
    {
        var wanted = new Dictionary<string, List<OutboxMessage>>();
        foreach (var e in published)
            foreach (var s in subscriptions.GroupsFor(e.Subject))
                if (!s.HasInterest || await s.WantsAsync(services, e.Envelope, ct))
                {
                    if (!wanted.TryGetValue(s.Consumer, out var events)) wanted[s.Consumer] = events = [];
                    events.Add(e);
                }
        if (wanted.Count == 0) return;
        // A consumer's events of the round in rows of up to a batch each: the consumer takes such a row whole in one transaction.
        var deliveries = new List<Deliveries.Delivery>();
        foreach (var (consumer, events) in wanted)
            foreach (var chunk in events.Chunk(options.Value.ConsumerBatchSize))
                deliveries.Add(chunk.Length == 1 ? Deliveries.Single(ids.Next(), consumer, chunk[0]) : Deliveries.Packed(ids, consumer, chunk));
        await Deliveries.InsertAsync(deliveries, UtcMillis.From(clock.GetUtcNow()), scope, ct);
    }

    public async Task PublishedAsync(IReadOnlyList<OutboxMessage> published, CancellationToken ct)
    {
        // Only when deliveries were recorded: most claims' events have no group consumer, and each wake costs a query.
        if (published.Any(e => subscriptions.GroupsFor(e.Subject).Count > 0)) signal.Notify();
        foreach (var e in published)
        {
            var handlers = subscriptions.InstanceFor(e.Subject);
            if (handlers.Count > 0) await dispatcher.HandleInstanceAsync(handlers, e.Envelope, ct);
        }
    }
}
