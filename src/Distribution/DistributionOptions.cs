using System.ComponentModel.DataAnnotations;

namespace PromotionEngine.Distribution;

/// <summary>The distribution module's settings (section "Distribution"), validated at start.</summary>
internal sealed class DistributionOptions
{
    public const string Section = "Distribution";

    /// <summary>The largest recipients file accepted; a larger upload is refused with 413 and nothing is stored.</summary>
    [Range(1024L, 2L * 1024 * 1024 * 1024)]
    public long MaxFileBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>The most recipient rows one task may have; a file with more fails its task (TOO_MANY_ROWS) before anything is issued.</summary>
    [Range(1, 50_000_000)]
    public int MaxRows { get; set; } = 5_000_000;

    /// <summary>
    /// .xlsx: the most bytes a workbook part the server reads (the sheet, the shared strings) may unpack to, per recipient
    /// row allowed: a part may unpack to MaxRows × this (at least 64 MiB). A 5 000 000-row single-column workbook unpacks to
    /// about 90 bytes a row.
    /// </summary>
    [Range(64, 65_536)]
    public int XlsxBytesPerRow { get; set; } = 256;

    /// <summary>.xlsx: the most a workbook part may unpack to per byte it takes in the file (workbooks are 5 to 30; zip bombs reach 1000).</summary>
    [Range(10, 1000)]
    public int XlsxMaxCompressionRatio { get; set; } = 100;

    /// <summary>
    /// Where uploads and imports keep their working files: deleted on every path when done (an aborted upload too),
    /// and files left by a crash are swept at start. Empty: the folder distribution-spool in the Host's data folder
    /// (Promotion:DataDirectory).
    /// </summary>
    public string SpoolDirectory { get; set; } = "";

    /// <summary>Rows per chunk: the unit one transaction issues, and the checkpoint's step.</summary>
    [Range(1, 20_000)]
    public int ChunkSize { get; set; } = 5000;

    /// <summary>Shards per task at most: how many workers (in any instances) can work on one task at once.</summary>
    [Range(1, 256)]
    public int MaxShards { get; set; } = 8;

    /// <summary>Shards this instance works on at once (its worker loops).</summary>
    [Range(1, 64)]
    public int Workers { get; set; } = 4;

    /// <summary>How long a shard's or an import's lease lasts without renewal; a dead worker's work is taken over after it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often idle workers look for due tasks, free shards and pending imports (work started in this instance wakes
    /// them at once).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Attempts at one chunk that fails with an error (not a lost lease) before its task fails with CHUNK_FAILED.</summary>
    [Range(1, 100)]
    public int MaxChunkAttempts { get; set; } = 5;

    /// <summary>The pause after a failed chunk before its shard is tried again, times the failures so far.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan ChunkRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How far ahead a task may be scheduled.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3660.00:00:00")]
    public TimeSpan MaxScheduleAhead { get; set; } = TimeSpan.FromDays(366);
}
