using System.ComponentModel.DataAnnotations;

namespace PromotionEngine.Platform.Messaging.Nats;

internal sealed class NatsTransportOptions
{
    /// <summary>The NATS server(s), e.g. "nats://127.0.0.1:4222" (comma-separated for a cluster).</summary>
    [Required]
    public string Url { get; set; } = "nats://127.0.0.1:4222";

    /// <summary>Prepended to every subject (e.g. "staging."), so several deployments can share one NATS.</summary>
    [RegularExpression(@"^([A-Za-z0-9_-]+\.)*$")]
    public string SubjectPrefix { get; set; } = "";

    /// <summary>Streams are named &lt;prefix&gt;_&lt;PRODUCER&gt;, one per producing module (PROMO_ENGINE, PROMO_MERCHANT_ADMIN…).</summary>
    [RegularExpression("^[A-Za-z0-9_-]+$")]
    public string StreamPrefix { get; set; } = "PROMO";

    /// <summary>The broker drops a second publish of one event id within this window (the relay may publish again after a crash).</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a stream keeps events (consumers that fall further behind lose them).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(7);

    [Range(1, 5)]
    public int Replicas { get; set; } = 1;

    /// <summary>How long a publish waits for the broker's acknowledgement (or for a lost connection to return) before it counts as failed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the broker waits for a consumer's ack before delivering the event again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AckWait { get; set; } = TimeSpan.FromSeconds(30);
}
