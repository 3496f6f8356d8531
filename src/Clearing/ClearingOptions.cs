using System.ComponentModel.DataAnnotations;

namespace PromotionEngine.Clearing;

/// <summary>The analytic stores the clearing can write to.</summary>
internal enum AnalyticStoreKind
{
    /// <summary>An embedded DuckDB file (the default): one process writes it.</summary>
    DuckDb,
    /// <summary>A ClickHouse server over its HTTP interface.</summary>
    ClickHouse,
}

/// <summary>The clearing's settings (section "Clearing"), validated at start.</summary>
internal sealed class ClearingOptions
{
    public const string Section = "Clearing";

    /// <summary>Where facts and ledger entries are stored for the reports, statements and reconciliation.</summary>
    public AnalyticStoreKind Store { get; set; } = AnalyticStoreKind.DuckDb;

    /// <summary>The DuckDB file; empty: clearing.duckdb in the data folder (Promotion:DataDirectory).</summary>
    public string DuckDbPath { get; set; } = "";

    /// <summary>The most journal rows one append stores.</summary>
    /// <remarks>
    /// 100,000: only a backlog (a catch-up, a rebuild) fills a batch, and there each append's fixed cost (a part per table on
    /// ClickHouse, a transaction on DuckDB) decides the pace: on a quiet machine appends of 10,000 ran at 0.35–0.43 (ClickHouse)
    /// and 0.26 (DuckDB) of a raw bulk insert, of 100,000 at 0.65–0.82 and 0.50–0.67 (docs/benchmarks.md). Live traffic is
    /// stored every <see cref="FlushInterval"/> whatever the size.
    /// </remarks>
    [Range(1, 1_000_000)]
    public int BatchSize { get; set; } = 100_000;

    /// <summary>How long rows fewer than a batch wait for more before they are stored anyway.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the ingester's lease lasts unless renewed: how soon another instance takes over from a dead one.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the ingester waits before trying again after a failure (the store or the database away).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);
}
