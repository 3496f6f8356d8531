using System.ComponentModel.DataAnnotations;

namespace PromotionEngine.Clearing.Reconciliation;

/// <summary>Settings of the three-way reconciliation (Clearing:Reconciliation).</summary>
internal sealed class ReconciliationOptions
{
    public const string Section = "Clearing:Reconciliation";
    public const string DefaultFolder = "clearing-reconciliation";

    /// <summary>The largest order file accepted, in bytes (1 GiB: a million-order day as CSV is about 80 MB).</summary>
    [Range(1024, long.MaxValue)]
    public long MaxFileBytes { get; set; } = 1L << 30;

    /// <summary>.xlsx reading budgets are sized for this many rows (each about <see cref="XlsxBytesPerRow"/> unpacked).</summary>
    [Range(1, 50_000_000)]
    public int MaxRows { get; set; } = 5_000_000;

    [Range(64, 65_536)]
    public int XlsxBytesPerRow { get; set; } = 512;

    [Range(10, 1000)]
    public int XlsxMaxCompressionRatio { get; set; } = 100;

    /// <summary>Partition files a run spreads its rows over: memory holds one of them at a time.</summary>
    [Range(1, 4096)]
    public int Partitions { get; set; } = 64;

    /// <summary>Where uploads and a run's partition files are kept while it works. Empty: clearing-reconciliation in the data folder.</summary>
    public string WorkDirectory { get; set; } = "";

    public WorkbookLimits Limits => WorkbookLimits.ForRows(MaxRows, XlsxBytesPerRow, XlsxMaxCompressionRatio);
}
