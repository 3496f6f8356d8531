using System.Diagnostics;
using System.Diagnostics.Metrics;
using PromotionEngine.Distribution.Tasks;

namespace PromotionEngine.Distribution;

/// <summary>
/// Distribution's business metrics (meter "PromotionEngine.Distribution"): rows decided (a counter: rows/s is its rate),
/// task state transitions, chunk failures and the shards this instance is working. Labels are bounded sets (outcome, reason
/// code, state): never a task, merchant, template or user id.
/// </summary>
internal sealed class DistributionMetrics : IDisposable
{
    public const string MeterName = "PromotionEngine.Distribution";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _rows;
    private readonly Counter<long> _transitions;
    private readonly Counter<long> _chunkFailures;
    private readonly UpDownCounter<long> _activeShards;

    public DistributionMetrics()
    {
        _rows = _meter.CreateCounter<long>("promotion.distribution.rows", "{row}",
            "Recipient rows decided and committed, by outcome (issued, refused) and reason (the failure report's code, or none).");
        _transitions = _meter.CreateCounter<long>("promotion.distribution.task_transitions", "{task}",
            "Tasks entering a state (scheduled, running, paused, succeeded, failed, cancelled).");
        _chunkFailures = _meter.CreateCounter<long>("promotion.distribution.chunk_failures", "{chunk}",
            "Chunks whose transaction failed, by outcome (retried: the shard waits and tries again; abandoned: the task failed).");
        _activeShards = _meter.CreateUpDownCounter<long>("promotion.distribution.active_shards", "{shard}",
            "Shards this instance is working right now.");
        // Both outcomes start at 0, so the first failure is an increase Prometheus sees (a series born at 1 shows none).
        _chunkFailures.Add(0, new KeyValuePair<string, object?>("outcome", "retried"));
        _chunkFailures.Add(0, new KeyValuePair<string, object?>("outcome", "abandoned"));
        _activeShards.Add(0);
    }

    /// <param name="refusals">Per row, null when it got its coupon, else its failure reason code.</param>
    public void RowsDecided(IEnumerable<string?> refusals)
    {
        foreach (var group in refusals.CountBy(r => r ?? ""))
        {
            var issued = group.Key.Length == 0;
            var tags = new TagList { { "outcome", issued ? "issued" : "refused" }, { "reason", issued ? "none" : group.Key } };
            _rows.Add(group.Value, tags);
        }
    }

    public void Entered(DistributionStatus state) =>
        _transitions.Add(1, new KeyValuePair<string, object?>("state", DistributionNames.Of(state).ToLowerInvariant()));

    public void ChunkFailed(bool abandoned) =>
        _chunkFailures.Add(1, new KeyValuePair<string, object?>("outcome", abandoned ? "abandoned" : "retried"));

    /// <summary>Counts the shard as worked until the returned scope is disposed.</summary>
    public IDisposable Working()
    {
        _activeShards.Add(1);
        return new ShardScope(_activeShards);
    }

    private sealed class ShardScope(UpDownCounter<long> active) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) active.Add(-1);
        }
    }

    public void Dispose() => _meter.Dispose();
}
