using System.Globalization;
using System.Text.Json;

namespace PromotionEngine.WebConsole.Operations;

/// <summary>GET /api/v1/operator/messaging as the console reads it (the shape is the API document's MessagingStatusResponse).</summary>
internal sealed record BackboneStatus(
    string Transport, bool? TransportConnected, long OutboxPending, long OutboxDue, double OldestDueAgeSeconds, long OutboxRetrying,
    long DeliveriesPending, long DeadLettersOpen);

/// <summary>A dead letter of GET /api/v1/operator/dead-letters (the API document's DeadLetterResponse).</summary>
internal sealed record DeadLetterView(
    string Id, string Stage, string? Consumer, string EventId, string Subject, string Type, string AggregateId, DateTimeOffset OccurredAt,
    int Attempts, string LastError, DateTimeOffset DeadAt, DateTimeOffset? ReplayedAt, JsonElement Envelope);

/// <summary>POST /api/v1/operator/claim-counters/rebuild's answer.</summary>
internal sealed record CountersRebuilt(int TemplatesDropped, string Note);

/// <summary>What the operator pages say about figures and durations.</summary>
internal static class OperatorFormats
{
    /// <summary>Seconds as a person reads a lag: "0.4 s", "12 s", "3 min 5 s".</summary>
    public static string Seconds(double? seconds) => seconds switch
    {
        null => "—",
        < 10 => seconds.Value.ToString("0.##", CultureInfo.InvariantCulture) + " s",
        < 60 => Math.Round(seconds.Value).ToString(CultureInfo.InvariantCulture) + " s",
        _ => $"{(long)seconds.Value / 60} min {(long)seconds.Value % 60} s",
    };

    /// <summary>A path segment for a user-typed id: digits only, else null (the page says it is not one).</summary>
    public static string? Digits(string? text) =>
        text?.Trim() is { Length: > 0 and <= 19 } t && t.All(char.IsAsciiDigit) ? t : null;
}
