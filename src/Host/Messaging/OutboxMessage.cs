using System.Text;
using System.Text.Json;
using PromotionEngine.Kernel.Messaging;

namespace PromotionEngine.Host.Messaging;

/// <summary>
/// An event as the relay moves it: the columns it routes by and the envelope's JSON as stored. The envelope
/// itself is parsed only when something needs its fields (an in-process handler), not to forward it.
/// </summary>
internal sealed class OutboxMessage
{
    private EventEnvelope? _envelope;

    public OutboxMessage(Guid eventId, string subject, string partitionKey, string json)
    {
        EventId = eventId;
        Subject = subject;
        PartitionKey = partitionKey;
        Json = json;
    }

    public Guid EventId { get; }
    public string Subject { get; }
    public string PartitionKey { get; }
    public string Json { get; }

    public string Producer => EventSubjects.ProducerOf(Subject);

    public EventEnvelope Envelope => _envelope ??= EventEnvelope.FromJson(Json);

    public static OutboxMessage Of(EventEnvelope envelope) =>
        new(envelope.EventId, envelope.Subject, envelope.PartitionKey, envelope.ToJson()) { _envelope = envelope };

    /// <summary>The envelope's W3C trace context, read from its top-level members without parsing the payload.</summary>
    public static (string? Parent, string? State) TraceOf(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        string? parent = null, state = null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return (null, null);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            reader.Read();
            if (name.SequenceEqual("traceParent"u8)) parent = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            else if (name.SequenceEqual("traceState"u8)) state = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            else reader.Skip();
        }
        return (parent, state);
    }

    public byte[] Utf8() => Encoding.UTF8.GetBytes(Json);

    /// <summary>
    /// The events of a packed outbox row: one envelope per line (serialised JSON has no raw line break), each
    /// read for its id, subject and partition key only.
    /// </summary>
    public static List<OutboxMessage> Unpack(string packed)
    {
        var messages = new List<OutboxMessage>();
        foreach (var line in packed.Split('\n', StringSplitOptions.RemoveEmptyEntries)) messages.Add(Routed(line));
        return messages;
    }

    /// <summary>One envelope per line: what <see cref="Unpack"/> reads back.</summary>
    public static string Pack(IEnumerable<string> envelopes) => string.Join('\n', envelopes);

    private static OutboxMessage Routed(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        Guid? id = null;
        string? subject = null, key = null;
        reader.Read();
        while ((id is null || subject is null || key is null) && reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            reader.Read();
            if (name.SequenceEqual("eventId"u8)) id = reader.GetGuid();
            else if (name.SequenceEqual("subject"u8)) subject = reader.GetString();
            else if (name.SequenceEqual("partitionKey"u8)) key = reader.GetString();
            else reader.Skip();
        }
        return id is { } eventId && subject is not null && key is not null
            ? new OutboxMessage(eventId, subject, key, json)
            : throw new JsonException("A packed outbox line is not an event envelope.");
    }
}
