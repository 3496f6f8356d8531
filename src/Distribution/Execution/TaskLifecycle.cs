using PromotionEngine.Distribution.Messaging;
using PromotionEngine.Distribution.Recipients;
using PromotionEngine.Distribution.Tasks;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Distribution.Execution;

/// <summary>
/// The transitions the workers make: a due task starts, a task whose every shard is done succeeds. Each is
/// one transaction on the locked task row, safe to attempt from any number of instances at once.
/// </summary>
internal sealed class TaskLifecycle(IDatabase db, IDistributionTasks tasks, IShards shards, IRecipientStore store, IOutbox outbox,
    DistributionMetrics metrics, TimeProvider clock)
{
    /// <summary>Starts the task if it is due; a task with no valid rows at all succeeds at once.</summary>
    public async Task<bool> TryStartAsync(long id, CancellationToken ct)
    {
        var final = await StartAsync(id, ct);
        if (final is null) return false;
        metrics.Entered(DistributionStatus.Running);
        if (final != DistributionStatus.Running) metrics.Entered(final.Value);
        return true;
    }

    /// <summary>The state the started task ended in (running, or succeeded when it had no rows), or null when it did not start.</summary>
    private Task<DistributionStatus?> StartAsync(long id, CancellationToken ct) => db.WriteWithRetryAsync<DistributionStatus?>(async scope =>
    {
        var task = await tasks.LockAsync(id, scope, ct);
        var now = UtcMillis.Now(clock);
        if (task is null || task.Start(now) != TaskMove.Moved) return null;
        await tasks.SaveStatusAsync(task, scope, ct);
        var progress = await tasks.ProgressAsync(task, scope, ct);
        await outbox.AddAsync(TaskEvents.Started(task, progress), scope, ct);
        if (await shards.OpenCountAsync(task.Id, scope, ct) == 0) await CompleteAsync(task, now, scope, ct);
        await scope.CommitAsync(ct);
        return task.Status;
    }, ct);

    /// <summary>
    /// Completes the task if it runs and every shard is done (called by the worker that finished the last one, and by
    /// the scanner).
    /// </summary>
    public async Task<bool> TryCompleteAsync(long id, CancellationToken ct)
    {
        var completed = await CompleteAsync(id, ct);
        if (completed) metrics.Entered(DistributionStatus.Succeeded);
        return completed;
    }

    private Task<bool> CompleteAsync(long id, CancellationToken ct) => db.WriteWithRetryAsync(async scope =>
    {
        var task = await tasks.LockAsync(id, scope, ct);
        if (task is null || task.Status != DistributionStatus.Running || await shards.OpenCountAsync(id, scope, ct) > 0) return false;
        await CompleteAsync(task, UtcMillis.Now(clock), scope, ct);
        await scope.CommitAsync(ct);
        return true;
    }, ct);

    /// <summary>Fails a running task (its shards stop with it); what was issued stays issued, the failures report stays.</summary>
    public async Task<bool> AbortAsync(long id, string code, string detail, CancellationToken ct)
    {
        var aborted = await AbortTaskAsync(id, code, detail, ct);
        if (aborted) metrics.Entered(DistributionStatus.Failed);
        return aborted;
    }

    private Task<bool> AbortTaskAsync(long id, string code, string detail, CancellationToken ct) => db.WriteWithRetryAsync(async scope =>
    {
        var task = await tasks.LockAsync(id, scope, ct);
        if (task is null || task.Abort(code, detail, UtcMillis.Now(clock)) != TaskMove.Moved) return false;
        await tasks.SaveStatusAsync(task, scope, ct);
        await outbox.AddAsync(TaskEvents.Failed(task), scope, ct);
        await scope.CommitAsync(ct);
        return true;
    }, ct);

    private async Task CompleteAsync(DistributionTask task, DateTimeOffset now, WriteScope scope, CancellationToken ct)
    {
        task.Complete(now);
        await tasks.SaveStatusAsync(task, scope, ct);
        await outbox.AddAsync(TaskEvents.Completed(task, await tasks.ProgressAsync(task, scope, ct)), scope, ct);
        await store.DeleteChunksAsync(task.Id, scope, ct); // every row is decided: the failures report is what remains
    }
}
