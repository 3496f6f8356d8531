namespace PromotionEngine.Clearing.Reconciliation;

/// <summary>A finished reconciliation: its scope, the file, what each source gave, and the discrepancies per kind.</summary>
internal sealed record ReconciliationRun(
    long Id, DateOnly Day, long? MerchantId, string FileName, string FileFormat, long EngineOrders, long EngineCoupons,
    long ClearedCoupons, long OrderLines, long OrderLinesOtherDay, long Discrepancies, IReadOnlyDictionary<string, long> Counts,
    DateTimeOffset StartedAt, DateTimeOffset FinishedAt);

/// <summary>A stored discrepancy and its place in the run's list.</summary>
internal sealed record StoredDiscrepancy(long Seq, Discrepancy Discrepancy);

/// <summary>The stored reconciliations (clr_recon_runs, clr_recon_counts, clr_recon_discrepancies).</summary>
internal interface IReconciliations
{
    /// <summary>
    /// Stores the run and its discrepancies (numbered 1, 2, … in the order given) in one transaction: all or nothing. A run
    /// asked for under an Idempotency-Key keeps it; storing a second run under the same key fails (unique key) and stores nothing.
    /// </summary>
    Task SaveAsync(ReconciliationRun run, string? idempotencyKey, IEnumerable<Discrepancy> discrepancies, CancellationToken ct);

    Task<ReconciliationRun?> FindAsync(long id, CancellationToken ct);

    /// <summary>The run stored under <paramref name="idempotencyKey"/>, if one is.</summary>
    Task<ReconciliationRun?> FindByKeyAsync(string idempotencyKey, CancellationToken ct);

    /// <summary>The run's discrepancies after <paramref name="afterSeq"/>, of one kind or all, in seq order, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<StoredDiscrepancy>> PageAsync(long runId, string? kind, long afterSeq, int limit, CancellationToken ct);
}
