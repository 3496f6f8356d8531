using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using PromotionEngine.Kernel.Messaging;

namespace PromotionEngine.Platform.Messaging.Outbox;

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

    /// <summary>The relay's span for this event while it is published: a transport's client spans (NATS.Net's) nest in it.</summary>
    public Activity? PublishSpan { get; set; }

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
    /// A packed outbox row's payload: the envelopes one per line (serialised JSON has no raw line break), as UTF-8,
    /// Brotli-compressed at its fastest level. Hundreds of envelopes that differ in a few ids shrink about tenfold,
    /// and what the database writes (and logs, and deletes) is what a large batch costs.
    /// </summary>
    public static byte[] Pack(IEnumerable<string> envelopes)
    {
        var text = Encoding.UTF8.GetBytes(string.Join('\n', envelopes));
        var packed = new byte[BrotliEncoder.GetMaxCompressedLength(text.Length)];
        if (!BrotliEncoder.TryCompress(text, packed, out var written, quality: 1, window: 22))
            throw new InvalidOperationException("Brotli could not compress a packed outbox row into its maximum compressed length.");
        return packed.AsSpan(0, written).ToArray();
    }

    /// <summary>The events of a packed row (<see cref="Pack"/>), each read for its id, subject and partition key only.</summary>
    public static List<OutboxMessage> Unpack(byte[] packed)
    {
        using var text = new StreamReader(new BrotliStream(new MemoryStream(packed), CompressionMode.Decompress), Encoding.UTF8);
        var messages = new List<OutboxMessage>();
        while (text.ReadLine() is { } line)
            if (line.Length > 0) messages.Add(Routed(line));
        return messages;
    }

    /// <summary>A row packed before migration V1_4: the envelopes one per line, uncompressed, in the envelope column.</summary>
    public static List<OutboxMessage> UnpackText(string packed) =>
        packed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Routed).ToList();

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
