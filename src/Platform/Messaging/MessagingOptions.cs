using System.ComponentModel.DataAnnotations;

namespace PromotionEngine.Platform.Messaging;

/// <summary>Settings of the event backbone (section "Messaging"), validated at start.</summary>
internal sealed class MessagingOptions
{
    public const string Section = "Messaging";

    /// <summary>"InProcess" (embedded default: deliveries kept in the database) or "Nats" (NATS JetStream).</summary>
    [RegularExpression("^(InProcess|Nats)$")]
    public string Transport { get; set; } = "InProcess";

    /// <summary>Outbox rows the relay publishes per round.</summary>
    [Range(1, 5000)]
    public int RelayBatchSize { get; set; } = 500;

    /// <summary>How often an idle relay or consumer looks for work (recorded events also wake the relay at once).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Publish attempts before an event is moved to the dead letters (stage PUBLISH).</summary>
    [Range(1, 100)]
    public int MaxPublishAttempts { get; set; } = 10;

    /// <summary>Deliveries to a consumer before the event is moved to the dead letters (stage CONSUME).</summary>
    [Range(1, 100)]
    public int MaxDeliver { get; set; } = 5;

    /// <summary>First retry delay; each further attempt doubles it, up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Partition keys a consumer works on at once (one key's events are always handled one after another).</summary>
    [Range(1, 64)]
    public int ConsumerParallelism { get; set; } = 4;

    /// <summary>How long each consumer remembers the events it handled (a redelivery later than this is handled again).</summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan InboxRetention { get; set; } = TimeSpan.FromDays(7);

    public NatsTransportOptions Nats { get; set; } = new();

    /// <summary>The delay before attempt <paramref name="attempt"/> + 1: exponential, capped, with jitter so retries spread out.</summary>
    public TimeSpan Backoff(int attempt)
    {
        var exponent = Math.Min(Math.Max(attempt - 1, 0), 20);
        var delay = Math.Min(RetryDelay.TotalMilliseconds * Math.Pow(2, exponent), MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(delay * (0.8 + 0.4 * Random.Shared.NextDouble()));
    }
}

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
