using PromotionEngine.Clearing.Journal;
using PromotionEngine.Clearing.Ledger;
using PromotionEngine.Clearing.Store;
using PromotionEngine.Contracts.Http.Clearing;

namespace PromotionEngine.Clearing.Ingestion;

/// <summary>
/// One step of the ingestion: the journal rows after the store's watermark (a batch at most), posted to the ledger and appended
/// with their entries. The append is idempotent, so a step repeated after a crash stores nothing twice.
/// </summary>
internal sealed class IngestJournal(ClearingJournal journal, IAnalyticStore store, IngesterLease lease, ClearingMetrics metrics, TimeProvider clock)
{
    /// <summary>Stores the next batch of at most <paramref name="batchSize"/> rows; returns how many rows it stored (0: none waited).</summary>
    public async Task<int> StoreBatchAsync(int batchSize, CancellationToken ct)
    {
        var watermark = await store.WatermarkAsync(ct);
        var facts = await journal.ReadAsync(watermark, batchSize, ct);
        if (facts.Count == 0) return 0;
        var entries = new List<LedgerEntry>(facts.Count * 2);
        try
        {
            foreach (var fact in facts) entries.AddRange(Posting.For(fact)); // an unbalanced posting throws: nothing of the batch is stored
            await store.AppendAsync(new FactBatch(facts[0].Seq, facts[^1].Seq, facts, entries), ct);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            metrics.Failed();
            throw;
        }
        metrics.Stored(facts.Count, entries.Count);
        return facts.Count;
    }

    /// <summary>How far the store trails the journal now (also reported as the lag metrics).</summary>
    public async Task<ClearingStatus> MeasureAsync(CancellationToken ct)
    {
        var watermark = await store.WatermarkAsync(ct);
        var head = await journal.HeadAsync(watermark, ct);
        var rows = Math.Max(head.Seq - watermark, 0);
        var waited = head.OldestPendingAt is { } at ? clock.GetUtcNow() - at : TimeSpan.Zero;
        if (waited < TimeSpan.Zero) waited = TimeSpan.Zero;
        metrics.Behind(rows, waited);
        var state = await lease.ReadAsync(ct);
        var holder = state.Holder is not null && state.ExpiresAt > Kernel.Persistence.UtcMillis.From(clock.GetUtcNow()) ? state.Holder : null;
        return new ClearingStatus(store.Name, watermark, head.Seq, rows, Math.Round(waited.TotalSeconds, 3), holder,
            holder is null ? null : Kernel.Persistence.UtcMillis.ToTime(state.ExpiresAt), state.RebuildRequested > state.RebuildDone);
    }

    /// <summary>Carries out a rebuild asked for (only the lease holder calls this): the store is emptied and refilled from seq 0.</summary>
    public async Task<bool> RebuildIfAskedAsync(CancellationToken ct)
    {
        var state = await lease.ReadAsync(ct);
        if (state.RebuildRequested <= state.RebuildDone) return false;
        await store.ResetAsync(ct);
        metrics.Rebuilt();
        await lease.RebuiltAsync(state.RebuildRequested, ct);
        return true;
    }
}
