using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Platform.Messaging.Outbox;

namespace PromotionEngine.Platform.Messaging;

/// <summary>
/// The broker port. The relay hands it the outbox's due events; the transport delivers them to every
/// subscription: to one instance of each consumer group (durable, redelivered with backoff until the last
/// attempt, then dead-lettered) and to every running instance for per-instance subscriptions. Events of one
/// partition key are published in order.
///
/// Adapters: in-process (deliveries kept in the database, the embedded default) and NATS JetStream. A
/// RocketMQ or Kafka adapter implements the same steps; docs/events.md maps the concepts (subject ≈ topic +
/// tag, stream ≈ topic, durable consumer ≈ consumer group, partition key ≈ message key / sharding key).
/// </summary>
internal interface IEventTransport
{
    string Name { get; }

    /// <summary>Whether the broker is reachable now; null for a transport without one.</summary>
    bool? Connected { get; }

    /// <summary>
    /// Hands the batch to the broker, before the relay's transaction. An event not accepted stays in the outbox
    /// and is tried again with backoff; its error is kept with it.
    /// </summary>
    Task<PublishOutcome> PublishAsync(IReadOnlyList<OutboxMessage> batch, CancellationToken ct);

    /// <summary>
    /// Inside the relay's transaction that removes the published rows from the outbox (the in-process transport records
    /// its deliveries here).
    /// </summary>
    Task EnlistAsync(IReadOnlyList<OutboxMessage> published, WriteScope scope, CancellationToken ct);

    /// <summary>After that transaction committed.</summary>
    Task PublishedAsync(IReadOnlyList<OutboxMessage> published, CancellationToken ct);
}
