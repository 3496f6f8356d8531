using System.Diagnostics.Metrics;

namespace PromotionEngine.Clearing;

/// <summary>
/// The clearing's ingestion as metrics (meter "PromotionEngine.Clearing"): how far the analytic store trails the journal (rows
/// and seconds), what was stored, and rebuilds. Measured by the instance that ingests; the others report 0 behind.
/// </summary>
internal sealed class ClearingMetrics : IDisposable
{
    public const string MeterName = "PromotionEngine.Clearing";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _facts;
    private readonly Counter<long> _entries;
    private readonly Counter<long> _batches;
    private readonly Counter<long> _rebuilds;
    private long _rowsBehind;
    private double _secondsBehind;

    public ClearingMetrics()
    {
        _facts = _meter.CreateCounter<long>("promotion.clearing.facts", "{fact}", "Facts appended to the analytic store.");
        _entries = _meter.CreateCounter<long>("promotion.clearing.entries", "{entry}", "Ledger entries appended to the analytic store.");
        _batches = _meter.CreateCounter<long>("promotion.clearing.batches", "{batch}", "Appends to the analytic store, by outcome (stored, failed).");
        _rebuilds = _meter.CreateCounter<long>("promotion.clearing.rebuilds", "{rebuild}", "Analytic store rebuilds started from the journal.");
        _meter.CreateObservableGauge("promotion.clearing.lag_rows", () => Volatile.Read(ref _rowsBehind), "{fact}",
            "Journal rows the analytic store does not hold yet.");
        _meter.CreateObservableGauge("promotion.clearing.lag", () => Volatile.Read(ref _secondsBehind), "s",
            "How long the oldest journal row the analytic store does not hold yet has waited (0 when it holds them all).");
    }

    public void Stored(int facts, int entries)
    {
        _facts.Add(facts);
        _entries.Add(entries);
        _batches.Add(1, new KeyValuePair<string, object?>("outcome", "stored"));
    }

    public void Failed() => _batches.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));

    public void Rebuilt() => _rebuilds.Add(1);

    public void Behind(long rows, TimeSpan waited)
    {
        Volatile.Write(ref _rowsBehind, Math.Max(rows, 0));
        Volatile.Write(ref _secondsBehind, Math.Max(waited.TotalSeconds, 0));
    }

    public void Dispose() => _meter.Dispose();
}
