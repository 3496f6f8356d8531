namespace PromotionEngine.Distribution.Tasks;

/// <summary>
/// A task's counts as they stand: the rows refused while reading the file plus what the shards' chunks
/// decided. Each chunk's counts commit with its coupons, so these are exact at any instant.
/// </summary>
internal sealed record TaskProgress(long ImportFailed, long ChunkProcessed, long ChunkIssued, long ChunkFailed)
{
    public static readonly TaskProgress None = new(0, 0, 0, 0);

    public long Processed => ImportFailed + ChunkProcessed;
    public long Issued => ChunkIssued;
    public long Failed => ImportFailed + ChunkFailed;

    /// <summary>Rows per second while running, over the running time (pauses excluded); null before any time has passed.</summary>
    public double? RowsPerSecond(DistributionTask task, DateTimeOffset now)
    {
        if (task.Status != DistributionStatus.Running) return null;
        var seconds = task.ActiveTime(now).TotalSeconds;
        return seconds > 0 ? Math.Round(ChunkProcessed / seconds, 1) : null;
    }

    /// <summary>When the rows left will be done at the current rate; null when unknown or not running.</summary>
    public DateTimeOffset? Eta(DistributionTask task, DateTimeOffset now)
    {
        if (task.TotalRows is not { } total || RowsPerSecond(task, now) is not { } rate || rate <= 0) return null;
        var left = Math.Max(0, total - Processed);
        return now + TimeSpan.FromSeconds(Math.Min(left / rate, TimeSpan.FromDays(3650).TotalSeconds));
    }
}
