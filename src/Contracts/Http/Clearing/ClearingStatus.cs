namespace PromotionEngine.Contracts.Http.Clearing;

/// <summary>The clearing's ingestion (GET /api/v1/operator/clearing): how far the analytic store trails the clearing journal.</summary>
/// <param name="Store">duckdb or clickhouse.</param>
/// <param name="Watermark">The last journal seq the store holds.</param>
/// <param name="JournalHead">The last journal seq written.</param>
/// <param name="LagRows">Journal rows the store does not hold yet (JournalHead − Watermark).</param>
/// <param name="LagSeconds">How long the oldest of those has waited; 0 when the store holds them all.</param>
/// <param name="Ingester">The instance holding the ingester's lease, null when none does.</param>
/// <param name="RebuildPending">A rebuild was asked for and the ingester has not started it yet.</param>
public sealed record ClearingStatus(
    string Store, long Watermark, long JournalHead, long LagRows, double LagSeconds, string? Ingester, DateTimeOffset? LeaseExpiresAt,
    bool RebuildPending);
