using PromotionEngine.Platform.Messaging.Outbox;

namespace PromotionEngine.Platform.Messaging;

/// <summary>Which events the broker accepted durably, and why the others were not.</summary>
internal sealed record PublishOutcome(IReadOnlySet<Guid> Accepted, IReadOnlyDictionary<Guid, string> Errors)
{
    public static PublishOutcome All(IReadOnlyList<OutboxMessage> batch)
        => new(batch.Select(e => e.EventId).ToHashSet(), new Dictionary<Guid, string>());
}
