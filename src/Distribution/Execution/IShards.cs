using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Distribution.Execution;

/// <summary>A range of a task's chunks and its durable checkpoint, <see cref="NextChunk"/>.</summary>
internal sealed record Shard(long Id, long TaskId, int FirstChunk, int EndChunk, int NextChunk);

/// <summary>
/// Shards (di_shards): leases and checkpoints. A lease is a fresh owner token per acquisition; the checkpoint
/// moves only by compare-and-set on (owner, position, RUNNING) inside the chunk's own transaction, so a worker
/// that lost its lease, or a task paused or cancelled meanwhile, can never commit a chunk twice or late.
/// </summary>
internal interface IShards
{
    Task CreateAsync(IReadOnlyList<Shard> shards, string status, DateTimeOffset now, WriteScope scope, CancellationToken ct);

    /// <summary>Running shards nobody holds (never leased, released, or lease lapsed).</summary>
    Task<IReadOnlyList<long>> FindFreeAsync(DateTimeOffset now, int limit, CancellationToken ct);

    /// <summary>Leases the shard to <paramref name="owner"/> unless someone holds it; the shard as it stands, or null.</summary>
    Task<Shard?> TryLeaseAsync(long id, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken ct);

    /// <summary>
    /// First statement of a chunk's transaction: moves the checkpoint past <paramref name="position"/> and extends
    /// the lease, only if the owner still holds it at that position and the shard runs. Locks the shard's row.
    /// </summary>
    Task<bool> AdvanceAsync(long id, string owner, int position, DateTimeOffset until, DateTimeOffset now, WriteScope scope, CancellationToken ct);

    /// <summary>Adds a chunk's counts; when the checkpoint reached the end the shard is DONE and released.</summary>
    Task CountAsync(long id, int processed, int issued, int failed, bool done, string owner, WriteScope scope, CancellationToken ct);

    Task ReleaseAsync(long id, string owner, CancellationToken ct);

    /// <summary>
    /// A chunk failed: counts the failure, keeps the error, and frees the shard only after <paramref name="pause"/>
    /// times the failures so far. Returns the shard's consecutive failures (a chunk that commits resets them).
    /// </summary>
    Task<int> RecordFailureAsync(long id, string owner, string error, DateTimeOffset now, TimeSpan pause, CancellationToken ct);

    /// <summary>How many of the task's shards are not done, as this transaction sees them.</summary>
    Task<int> OpenCountAsync(long taskId, WriteScope scope, CancellationToken ct);

    /// <summary>The owners that completed the task's shards (who worked on it).</summary>
    Task<IReadOnlyList<string>> CompletedByAsync(long taskId, CancellationToken ct);
}
