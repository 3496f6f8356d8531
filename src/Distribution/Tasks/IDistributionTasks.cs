using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Distribution.Tasks;

/// <summary>Stored distribution tasks (di_tasks), their Idempotency-Keys and their imports' leases.</summary>
internal interface IDistributionTasks
{
    Task AddAsync(DistributionTask task, WriteScope scope, CancellationToken ct);

    Task<DistributionTask?> FindAsync(long id, CancellationToken ct);

    /// <summary>Reads the task in the transaction, locking its row until commit (MySQL; SQLite has one writer anyway).</summary>
    Task<DistributionTask?> LockAsync(long id, WriteScope scope, CancellationToken ct);

    /// <summary>Stores a status change made by the aggregate, and mirrors the status onto the task's shards that are not done.</summary>
    Task SaveStatusAsync(DistributionTask task, WriteScope scope, CancellationToken ct);

    Task<IReadOnlyList<DistributionTask>> ListAsync(MerchantId merchant, DistributionStatus? status, long? after, int limit, CancellationToken ct);

    Task<IReadOnlyDictionary<long, TaskProgress>> ProgressAsync(IReadOnlyCollection<DistributionTask> tasks, CancellationToken ct);

    /// <summary>The counts as this transaction sees them (after it locked the task's shards, they are final).</summary>
    Task<TaskProgress> ProgressAsync(DistributionTask task, WriteScope scope, CancellationToken ct);

    Task<(string Hash, long TaskId)?> FindRequestAsync(MerchantId merchant, IdempotencyKey key, CancellationToken ct);

    /// <summary>Records the key; returns the earlier request if one raced in first.</summary>
    Task<(string Hash, long TaskId)?> RecordRequestAsync(
        MerchantId merchant, IdempotencyKey key, string hash, long taskId, WriteScope scope, CancellationToken ct);

    /// <summary>Scheduled tasks whose time has come and whose file is counted.</summary>
    Task<IReadOnlyList<long>> DueAsync(DateTimeOffset now, int limit, CancellationToken ct);

    /// <summary>Running tasks whose every shard is done (the last chunk's worker died before completing the task).</summary>
    Task<IReadOnlyList<long>> FinishedRunningAsync(int limit, CancellationToken ct);

    /// <summary>Takes the import of a task whose file is pending and not leased (or whose lease lapsed).</summary>
    Task<DistributionTask?> TryLeaseImportAsync(string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken ct);

    /// <summary>Extends the import lease in the transaction; false when it is lost or the task no longer waits for its file (cancelled).</summary>
    Task<bool> RenewImportAsync(long id, string owner, DateTimeOffset until, WriteScope scope, CancellationToken ct);

    Task SetTotalRowsAsync(long id, long totalRows, WriteScope scope, CancellationToken ct);

    /// <summary>The file is in chunks: the task may start once due.</summary>
    Task FinishImportAsync(long id, int chunkCount, long importFailed, DateTimeOffset now, WriteScope scope, CancellationToken ct);
}
