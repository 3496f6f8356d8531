using System.Text.Json;
using PromotionEngine.Contracts.Http;
using PromotionEngine.Kernel.Documentation;

namespace PromotionEngine.Platform.Messaging;

/// <summary>The OpenAPI document's examples of the operator's messaging endpoints.</summary>
internal static class MessagingExamples
{
    private static readonly DateTimeOffset At = new(2026, 6, 18, 2, 30, 0, TimeSpan.Zero);

    public static readonly ApiExample Status = new("healthy", "NATS connected, a few events waiting for the relay", 200,
        new MessagingEndpoints.MessagingStatusResponse("Nats", true, 12, 3, 0.4, 0, 0, 1));

    private static readonly MessagingEndpoints.DeadLetterResponse Letter = new("384536415389617003", "CONSUME", "search.index",
        "2b0c6f1e-7d4a-4e8b-9a3c-5f1d2e3c4b5a", "promo.merchant-admin.template-changed.v1", "template-changed", "384536415389614080",
        At.AddMinutes(-10), 6, "TimeoutException: the index did not answer within 5 s", At.AddMinutes(-2), null,
        JsonDocument.Parse("""
            {"eventId": "2b0c6f1e-7d4a-4e8b-9a3c-5f1d2e3c4b5a", "type": "template-changed", "version": 1,
             "subject": "promo.merchant-admin.template-changed.v1", "aggregateId": "384536415389614080"}
            """).RootElement.Clone());

    public static readonly ApiExample Letters = new("open", "Events a consumer gave up on, newest first", 200,
        new Page<MessagingEndpoints.DeadLetterResponse>([Letter], null),
        Parameters: new Dictionary<string, string> { ["status"] = "OPEN", ["consumer"] = "search.index" });

    public static readonly ApiExample Replayed = new("replayed", "Handled this time: the letter is closed", 200,
        Letter with { ReplayedAt = At }, Parameters: new Dictionary<string, string> { ["id"] = "384536415389617003" });
}
