using System.Diagnostics.Metrics;
using PromotionEngine.Platform.Messaging.Outbox;

namespace PromotionEngine.Platform.Messaging;

/// <summary>
/// The backbone's health as metrics (meter "PromotionEngine.Messaging"): how far the relay is behind the
/// events recorded (the lag), how much it publishes, retries and dead-letters, and what consumers handle.
/// </summary>
internal sealed class MessagingMetrics : IDisposable
{
    public const string MeterName = "PromotionEngine.Messaging";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _published;
    private readonly Counter<long> _publishFailed;
    private readonly Counter<long> _handled;
    private readonly Counter<long> _handleFailed;
    private readonly Counter<long> _deadLettered;
    private double _lagSeconds;

    /// <param name="subscriptions">The consumer groups this process runs: their failure and dead-letter counters start at 0, as
    /// publish failures do, so a first failure is an increase Prometheus sees (a series born at 1 shows no increase).</param>
    public MessagingMetrics(Subscriptions subscriptions)
    {
        _published = _meter.CreateCounter<long>("promotion.messaging.published", "{event}", "Events the relay handed to the transport.");
        _publishFailed = _meter.CreateCounter<long>("promotion.messaging.publish_failures", "{event}", "Publish attempts the transport refused.");
        _handled = _meter.CreateCounter<long>("promotion.messaging.handled", "{event}", "Events consumers handled.");
        _handleFailed = _meter.CreateCounter<long>(
            "promotion.messaging.handle_failures", "{event}", "Deliveries a consumer failed on (retried or dead-lettered).");
        _deadLettered = _meter.CreateCounter<long>("promotion.messaging.dead_lettered", "{event}", "Events moved to the dead letters.");
        _meter.CreateObservableGauge("promotion.messaging.relay_lag", () => Volatile.Read(ref _lagSeconds), "s",
            "Age of the oldest event in the relay's last batch when it was published: how far delivery trails the write side.");
        _publishFailed.Add(0);
        foreach (var consumer in subscriptions.GroupConsumers)
        {
            _handleFailed.Add(0, new KeyValuePair<string, object?>("consumer", consumer));
            _deadLettered.Add(0, new KeyValuePair<string, object?>("consumer", consumer));
        }
    }

    /// <summary>
    /// One relay round: the accepted events counted per subject (the event type and version), so a dashboard or a
    /// benchmark can tell them apart.
    /// </summary>
    public void Relayed(IEnumerable<OutboxMessage> published, int failed, TimeSpan? lag)
    {
        foreach (var subject in published.CountBy(m => m.Subject))
            _published.Add(subject.Value, new KeyValuePair<string, object?>("subject", subject.Key));
        if (failed > 0) _publishFailed.Add(failed);
        if (lag is { } l) Volatile.Write(ref _lagSeconds, Math.Max(l.TotalSeconds, 0));
    }

    public void OutboxDrained() => Volatile.Write(ref _lagSeconds, 0);

    public void Handled(string consumer, int count = 1) => _handled.Add(count, new KeyValuePair<string, object?>("consumer", consumer));

    public void HandleFailed(string consumer, bool deadLettered)
    {
        _handleFailed.Add(1, new KeyValuePair<string, object?>("consumer", consumer));
        if (deadLettered) _deadLettered.Add(1, new KeyValuePair<string, object?>("consumer", consumer));
    }

    public void Dispose() => _meter.Dispose();
}
