using System.Diagnostics.Metrics;

namespace PromotionEngine.Search.Index;

/// <summary>
/// The read model's health as metrics (meter "PromotionEngine.Search"): how far it trails the write side (the time from
/// a template event's occurrence to its application here), how many events it applied or found stale, its size, and rebuilds.
/// </summary>
internal sealed class SearchMetrics : IDisposable
{
    public const string MeterName = "PromotionEngine.Search";

    private readonly Meter _meter = new(MeterName);
    private readonly Histogram<double> _lag;
    private readonly Counter<long> _events;
    private readonly Counter<long> _rebuilds;
    private double _lastLag;
    private long _documents;

    public SearchMetrics()
    {
        _lag = _meter.CreateHistogram<double>("promotion.search.index_lag", "s",
            "From a template event's occurrence to its application to this instance's index: how far search trails the write side.");
        _events = _meter.CreateCounter<long>(
            "promotion.search.events", "{event}", "Template events that reached the index, by outcome (applied, stale).");
        _rebuilds = _meter.CreateCounter<long>(
            "promotion.search.rebuilds", "{rebuild}", "Index builds from the event log, by outcome (completed, failed).");
        _meter.CreateObservableGauge(
            "promotion.search.lag", () => Volatile.Read(ref _lastLag), "s", "The index lag of the last template event applied as it arrived.");
        _meter.CreateObservableGauge(
            "promotion.search.documents", () => Volatile.Read(ref _documents), "{template}", "Templates in the index searches use.");
    }

    public void Arrived(bool applied, TimeSpan lag)
    {
        _events.Add(1, new KeyValuePair<string, object?>("outcome", applied ? "applied" : "stale"));
        if (!applied) return;
        var seconds = Math.Max(lag.TotalSeconds, 0);
        _lag.Record(seconds);
        Volatile.Write(ref _lastLag, seconds);
    }

    public void Rebuilt(bool completed) => _rebuilds.Add(1, new KeyValuePair<string, object?>("outcome", completed ? "completed" : "failed"));

    public void Documents(long count) => Volatile.Write(ref _documents, count);

    public void Dispose() => _meter.Dispose();
}
