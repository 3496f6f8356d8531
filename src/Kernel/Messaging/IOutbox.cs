using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Kernel.Messaging;

/// <summary>
/// An event to publish once the transaction that records it commits. <see cref="DueAt"/> delays it: the
/// relay publishes it at that time, on every transport, across restarts. An event with a
/// <see cref="ScheduleKey"/> is added once: adding it again while it is pending changes nothing, and
/// <see cref="IOutbox.CancelAsync"/> withdraws it.
/// </summary>
public sealed record OutgoingEvent(EventEnvelope Envelope, bool Retained, DateTimeOffset? DueAt = null, string? ScheduleKey = null)
{
    public const int MaxScheduleKeyLength = 190;

    /// <summary>Publish as soon as the transaction commits.</summary>
    public static OutgoingEvent Now<T>(T payload, DateTimeOffset occurredAt, string aggregateId, long? tenantId = null, string? partitionKey = null)
        where T : IIntegrationEvent =>
        new(EventEnvelope.Create(payload, occurredAt, aggregateId, tenantId, partitionKey), T.Retained);

    /// <summary>Publish at <paramref name="dueAt"/> (or at once if that has passed), unless cancelled by its key first.</summary>
    public static OutgoingEvent At<T>(T payload, DateTimeOffset occurredAt, DateTimeOffset dueAt, string scheduleKey, string aggregateId,
        long? tenantId = null, string? partitionKey = null) where T : IIntegrationEvent
    {
        if (string.IsNullOrEmpty(scheduleKey) || scheduleKey.Length > MaxScheduleKeyLength)
            throw new ArgumentException($"A schedule key is 1 to {MaxScheduleKeyLength} characters.", nameof(scheduleKey));
        return new(EventEnvelope.Create(payload, occurredAt, aggregateId, tenantId, partitionKey), T.Retained, dueAt, scheduleKey);
    }
}

/// <summary>
/// The transactional outbox: a command records its events in the same transaction as its state change,
/// and a relay publishes them after the commit. Nothing is "publish then hope".
/// </summary>
public interface IOutbox
{
    Task AddAsync(IReadOnlyList<OutgoingEvent> events, WriteScope scope, CancellationToken ct);

    /// <summary>Withdraws a scheduled event that is still pending; false when there is none (published, or never added).</summary>
    Task<bool> CancelAsync(string scheduleKey, WriteScope scope, CancellationToken ct);
}

public static class OutboxExtensions
{
    public static Task AddAsync(this IOutbox outbox, OutgoingEvent e, WriteScope scope, CancellationToken ct) => outbox.AddAsync([e], scope, ct);
}
