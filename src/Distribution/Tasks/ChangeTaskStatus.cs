using PromotionEngine.Distribution.Execution;
using PromotionEngine.Distribution.Messaging;
using PromotionEngine.Distribution.Recipients;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Kernel.Requests;

namespace PromotionEngine.Distribution.Tasks;

internal enum TaskVerb
{
    Pause,
    Resume,
    Cancel,
}

/// <summary>
/// A merchant pauses, resumes or cancels a task. The status change, its mirror on the shards and the event
/// commit together; updating the shards waits for any chunk in flight, so the counts in the event are final
/// for a cancel and no chunk starts after a pause or a cancel is answered. Repeating a verb changes nothing.
/// </summary>
internal sealed class ChangeTaskStatus(
    IDatabase db, IDistributionTasks tasks, IRecipientStore store, IOutbox outbox, TimeProvider clock, DistributionSignal signal, IKeyedRequests keys,
    DistributionMetrics metrics)
{
    public async Task<TaskOutcome> HandleAsync(MerchantId merchant, long id, TaskVerb verb, CancellationToken ct)
    {
        DistributionStatus? entered = null;
        var outcome = await db.WriteWithRetryAsync(async scope =>
        {
            var task = await tasks.LockAsync(id, scope, ct);
            if (task is null || task.Merchant != merchant) return new TaskOutcome.NotFound();
            var now = UtcMillis.Now(clock);
            var move = verb switch
            {
                TaskVerb.Pause => task.Pause(now),
                TaskVerb.Resume => task.Resume(now),
                TaskVerb.Cancel => task.Cancel(now),
                _ => throw new ArgumentOutOfRangeException(nameof(verb)),
            };
            if (move == TaskMove.NotAllowed) return new TaskOutcome.Refused(NotAllowed(task, verb));
            if (move == TaskMove.AlreadyThere) return new TaskOutcome.Done(task);
            await tasks.SaveStatusAsync(task, scope, ct);
            var progress = await tasks.ProgressAsync(task, scope, ct);
            await outbox.AddAsync(verb switch
            {
                TaskVerb.Pause => TaskEvents.Paused(task, progress),
                TaskVerb.Resume => TaskEvents.Resumed(task, progress),
                _ => TaskEvents.Cancelled(task, progress),
            }, scope, ct);
            if (verb == TaskVerb.Cancel)
            {
                // Nothing of the task runs again: its file and chunks go (failure rows stay for the report).
                await store.DeleteFileAsync(task.Id, scope, ct);
                await store.DeleteChunksAsync(task.Id, scope, ct);
            }
            await keys.ClaimAsync(scope, ct);
            await scope.CommitAsync(ct);
            entered = task.Status; // committed: counted once, whatever attempt it took
            return (TaskOutcome)new TaskOutcome.Done(task);
        }, ct);
        if (entered is { } state) metrics.Entered(state);
        if (verb == TaskVerb.Resume) signal.Notify();
        return outcome;
    }

    private static Refusal NotAllowed(DistributionTask task, TaskVerb verb)
    {
        var status = DistributionNames.Of(task.Status);
        var message = verb switch
        {
            TaskVerb.Pause => $"Only a RUNNING task can be paused; this one is {status}.",
            TaskVerb.Resume => $"Only a PAUSED task can be resumed; this one is {status}.",
            _ => $"A {status} task is finished; it cannot be cancelled.",
        };
        return new Refusal(ErrorCodes.TaskStatusDoesNotAllow, message, null,
            new Dictionary<string, object?> { ["currentStatus"] = status });
    }
}
