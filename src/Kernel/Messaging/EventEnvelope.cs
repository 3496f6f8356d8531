using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PromotionEngine.Kernel.Messaging;

/// <summary>
/// One envelope for every event on every transport: who said what about which aggregate, when, in which
/// trace. <see cref="EventId"/> is a time-ordered UUID; it is the broker's de-duplication id and every
/// consumer's inbox key. <see cref="PartitionKey"/> orders delivery: events of one key arrive in order.
/// </summary>
public sealed record EventEnvelope(
    Guid EventId,
    string Type,
    int SchemaVersion,
    string Subject,
    DateTimeOffset OccurredAt,
    string Producer,
    long? TenantId,
    string AggregateId,
    string PartitionKey,
    string? TraceParent,
    string? TraceState,
    JsonElement Payload)
{
    /// <summary>Wraps <paramref name="payload"/>; the trace context is the current activity's, if any.</summary>
    /// <param name="tenantId">The merchant the fact belongs to, when it belongs to one.</param>
    /// <param name="partitionKey">Defaults to the aggregate: one aggregate's events stay in order.</param>
    public static EventEnvelope Create<T>(
        T payload, DateTimeOffset occurredAt, string aggregateId, long? tenantId = null, string? partitionKey = null)
        where T : IIntegrationEvent
    {
        var activity = Activity.Current;
        return new EventEnvelope(Guid.CreateVersion7(occurredAt), T.Type, T.SchemaVersion, EventSubjects.Of<T>(), occurredAt, T.Producer,
            tenantId, aggregateId, partitionKey ?? aggregateId, activity?.Id, activity?.TraceStateString,
            JsonSerializer.SerializeToElement(payload, EventJson.Options));
    }

    public T PayloadAs<T>() where T : IIntegrationEvent =>
        Payload.Deserialize<T>(EventJson.Options) ?? throw new JsonException($"Event {EventId} has no {T.Type} payload.");

    public string ToJson() => JsonSerializer.Serialize(this, EventJson.Options);

    public static EventEnvelope FromJson(string json) =>
        JsonSerializer.Deserialize<EventEnvelope>(json, EventJson.Options) ?? throw new JsonException("Not an event envelope.");

    public static EventEnvelope FromJson(ReadOnlySpan<byte> utf8) =>
        JsonSerializer.Deserialize<EventEnvelope>(utf8, EventJson.Options) ?? throw new JsonException("Not an event envelope.");
}

/// <summary>
/// The one JSON shape of events: camelCase, enums as strings, nulls written (a field is always present), numbers
/// only as numbers (ids are 64-bit: a JavaScript consumer needs a big-integer aware parser).
/// </summary>
public static class EventJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.Strict,
        // An event from outside (the order system's) with a member twice is not one we can read one way only.
        AllowDuplicateProperties = false,
    };
}
