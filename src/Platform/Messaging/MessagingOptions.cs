using System.ComponentModel.DataAnnotations;
using PromotionEngine.Platform.Messaging.Nats;

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

    /// <summary>
    /// Events a consumer handles in one transaction (several partition keys, each key's in order): one inbox insert, its
    /// handlers, one delete of the deliveries, one commit. When anything in a batch fails, the batch is rolled back and handled one
    /// event per transaction, with the usual retries. 1 handles every event in its own transaction. In process it is also the most
    /// events the relay packs in one delivery row.
    /// </summary>
    [Range(1, 1000)]
    public int ConsumerBatchSize { get; set; } = 100;

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
