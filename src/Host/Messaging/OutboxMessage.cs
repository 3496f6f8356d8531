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
}
