using Dapper;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Clearing.Reconciliation;

/// <summary>The reconciliations in the relational store; the same SQL in SQLite and the MySQL protocol.</summary>
internal sealed class SqlReconciliations(IDatabase db) : IReconciliations
{
    private const int BatchSize = 5000;
    public const int MaxValuesLength = 500;

    private static readonly string[] DiscrepancyColumns = ["run_id", "seq", "kind", "order_id", "coupon_id", "sources", "detail"];

    public async Task SaveAsync(ReconciliationRun run, string? idempotencyKey, IEnumerable<Discrepancy> discrepancies, CancellationToken ct)
    {
        await using var scope = await db.BeginWriteAsync(ct);
        var batch = new List<object?[]>(BatchSize);
        long seq = 0;
        foreach (var d in discrepancies)
        {
            batch.Add([run.Id, ++seq, d.Kind, d.OrderId, d.CouponId, d.Sources, Truncate(d.Values)]);
            if (batch.Count < BatchSize) continue;
            await InsertAsync(batch, scope, ct);
            batch.Clear();
        }
        if (batch.Count > 0) await InsertAsync(batch, scope, ct);
        foreach (var (kind, count) in run.Counts)
        {
            await scope.Connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO clr_recon_counts (run_id, kind, discrepancies) VALUES (@Id, @Kind, @Count)",
                new { run.Id, Kind = kind, Count = count }, scope.Transaction, cancellationToken: ct));
        }
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO clr_recon_runs (id, day, merchant_id, file_name, file_format, engine_orders, engine_coupons, cleared_coupons, " +
            "order_lines, order_lines_other_day, discrepancies, started_at, finished_at, idempotency_key) VALUES (@Id, @Day, @MerchantId, " +
            "@FileName, @FileFormat, @EngineOrders, @EngineCoupons, @ClearedCoupons, @OrderLines, @OrderLinesOtherDay, @Discrepancies, " +
            "@StartedAt, @FinishedAt, @IdempotencyKey)",
            new
            {
                run.Id, Day = run.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), run.MerchantId, run.FileName,
                run.FileFormat, run.EngineOrders, run.EngineCoupons, run.ClearedCoupons, run.OrderLines, run.OrderLinesOtherDay,
                run.Discrepancies, StartedAt = UtcMillis.From(run.StartedAt), FinishedAt = UtcMillis.From(run.FinishedAt),
                IdempotencyKey = idempotencyKey,
            },
            scope.Transaction, cancellationToken: ct));
        await scope.CommitAsync(ct);
    }

    private async Task InsertAsync(List<object?[]> rows, WriteScope scope, CancellationToken ct)
    {
        var inserted = await db.BulkInsertAsync(new BulkRows("clr_recon_discrepancies", DiscrepancyColumns, rows), scope, ct);
        if (inserted != rows.Count) throw new InvalidOperationException($"{rows.Count - inserted} discrepancies of a new run were already stored.");
    }

    private static string Truncate(string values) => values.Length <= MaxValuesLength ? values : values[..(MaxValuesLength - 1)] + "…";

    public async Task<ReconciliationRun?> FindByKeyAsync(string idempotencyKey, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var id = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT id FROM clr_recon_runs WHERE idempotency_key = @Key", new { Key = idempotencyKey }, cancellationToken: ct));
        return id is { } found ? await FindAsync(found, ct) : null;
    }

    public async Task<ReconciliationRun?> FindAsync(long id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<RunRow>(new CommandDefinition(
            "SELECT id, day, merchant_id, file_name, file_format, engine_orders, engine_coupons, cleared_coupons, order_lines, " +
            "order_lines_other_day, discrepancies, started_at, finished_at FROM clr_recon_runs WHERE id = @Id",
            new { Id = id }, cancellationToken: ct));
        if (row is null) return null;
        var counts = (await connection.QueryAsync<(string Kind, long Count)>(new CommandDefinition(
            "SELECT kind, discrepancies FROM clr_recon_counts WHERE run_id = @Id", new { Id = id }, cancellationToken: ct)))
            .ToDictionary(c => c.Kind, c => c.Count);
        return new ReconciliationRun(row.Id, DateOnly.ParseExact(row.Day, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            row.MerchantId, row.FileName, row.FileFormat, row.EngineOrders, row.EngineCoupons, row.ClearedCoupons, row.OrderLines,
            row.OrderLinesOtherDay, row.Discrepancies, counts, UtcMillis.ToTime(row.StartedAt), UtcMillis.ToTime(row.FinishedAt));
    }

    public async Task<IReadOnlyList<StoredDiscrepancy>> PageAsync(long runId, string? kind, long afterSeq, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<DiscrepancyRow>(new CommandDefinition(
            "SELECT seq, kind, order_id, coupon_id, sources, detail FROM clr_recon_discrepancies WHERE run_id = @RunId AND seq > @After" +
            (kind is null ? "" : " AND kind = @Kind") + " ORDER BY seq LIMIT @Limit",
            new { RunId = runId, After = afterSeq, Kind = kind, Limit = limit }, cancellationToken: ct));
        return rows.Select(r => new StoredDiscrepancy(r.Seq, new Discrepancy(r.Kind, r.OrderId, r.CouponId, r.Sources, r.Detail))).ToList();
    }

    private sealed class RunRow
    {
        public long Id { get; init; }
        public string Day { get; init; } = "";
        public long? MerchantId { get; init; }
        public string FileName { get; init; } = "";
        public string FileFormat { get; init; } = "";
        public long EngineOrders { get; init; }
        public long EngineCoupons { get; init; }
        public long ClearedCoupons { get; init; }
        public long OrderLines { get; init; }
        public long OrderLinesOtherDay { get; init; }
        public long Discrepancies { get; init; }
        public long StartedAt { get; init; }
        public long FinishedAt { get; init; }
    }

    private sealed class DiscrepancyRow
    {
        public long Seq { get; init; }
        public string Kind { get; init; } = "";
        public string OrderId { get; init; } = "";
        public long? CouponId { get; init; }
        public string Sources { get; init; } = "";
        public string Detail { get; init; } = "";
    }
}
