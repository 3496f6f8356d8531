namespace PromotionEngine.Kernel.Messaging;

/// <summary>
/// A business fact other modules and services may react to: past tense, versioned, primitives only.
/// Add fields, never rename or remove one; a breaking change is a new <see cref="SchemaVersion"/> (and subject).
/// </summary>
public interface IIntegrationEvent
{
    /// <summary>The event's name on the wire and in docs/events.md, kebab-case, e.g. "coupon-claimed".</summary>
    static abstract string Type { get; }

    static abstract int SchemaVersion { get; }

    /// <summary>The module (or outside system) that states the fact; its stream carries the event.</summary>
    static abstract string Producer { get; }

    /// <summary>
    /// Kept in the event log after it is published, so a read model can be rebuilt from the history. Low-volume
    /// facts that define things (templates) are kept; high-volume ones (claims) are not.
    /// </summary>
    static virtual bool Retained => false;
}

/// <summary>Where an event travels: <c>promo.&lt;producer&gt;.&lt;type&gt;.v&lt;version&gt;</c>.</summary>
public static class EventSubjects
{
    public const string Root = "promo";

    public static string Of<T>() where T : IIntegrationEvent => Subject(T.Producer, T.Type, T.SchemaVersion);

    public static string Subject(string producer, string type, int version) =>
        $"{Root}.{producer}.{type}.v{version.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>The producer part of a subject ("promo.engine.coupon-claimed.v1" is "engine").</summary>
    public static string ProducerOf(string subject)
    {
        var parts = subject.Split('.');
        return parts.Length == 4 && parts[0] == Root ? parts[1] : throw new FormatException($"'{subject}' is not an event subject.");
    }
}
