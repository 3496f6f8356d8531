using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PromotionEngine.Contracts.Engine;
using PromotionEngine.Distribution.Messaging;
using PromotionEngine.Distribution.Recipients;
using PromotionEngine.Distribution.Tasks;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Distribution.Execution;

/// <summary>
/// Works a leased shard chunk by chunk. Each chunk is one transaction: the checkpoint's compare-and-set first
/// (which fails if the lease was lost or the task paused or cancelled), then the engine issues the coupons in
/// the same transaction, then the chunk's failure rows, counts and notification events. A crash anywhere
/// rolls the chunk back whole, and whoever takes the shard next redoes it from the checkpoint: every row is
/// decided exactly once.
/// </summary>
internal sealed partial class RunShard(
    IDatabase db, IShards shards, IDistributionTasks tasks, IRecipientStore store, ICouponDistribution distribution,
    IOutbox outbox, TaskLifecycle lifecycle, DistributionMetrics metrics,
    TimeProvider clock, IOptions<DistributionOptions> options, ILogger<RunShard> log)
{
    public const string ChunkFailed = "CHUNK_FAILED";

    /// <summary>Runs the shard until it is done or the lease is lost; returns how many chunks this call committed.</summary>
    public async Task<int> RunAsync(Shard shard, string owner, CancellationToken ct)
    {
        var task = await tasks.FindAsync(shard.TaskId, ct) ?? throw new InvalidOperationException($"Shard {shard.Id} belongs to no task.");
        var committed = 0;
        for (var position = shard.NextChunk; position < shard.EndChunk; position++)
        {
            ct.ThrowIfCancellationRequested();
            var chunk = await store.FindChunkAsync(task.Id, position, ct)
                ?? throw new InvalidOperationException($"Chunk {position} of task {task.Id} is missing.");
            var recipients = RecipientChunk.Decode(chunk.FirstRow, chunk.Count, chunk.Recipients);
            var done = position + 1 == shard.EndChunk;
            IIssuedCoupons? issued;
            try
            {
                issued = await IssueChunkAsync(task, shard, owner, position, recipients, done, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                await FailedAsync(task, shard, owner, position, recipients.Count > 0 ? recipients[0].RowNumber : 0, e, ct);
                return committed;
            }
            if (issued is null) return committed; // lost: paused, cancelled or taken over; the checkpoint says where it stands
            committed++;
            metrics.RowsDecided(issued.Decisions.Select(d => d.Coupon is null ? FailureReasons.Of(d.Refusal) : null));
            await issued.CommittedAsync(ct);
        }
        await lifecycle.TryCompleteAsync(task.Id, ct);
        return committed;
    }

    /// <summary>
    /// A chunk failed with an error its transaction could not retry away: the shard waits longer after each failure,
    /// and after the last attempt the task fails (CHUNK_FAILED) rather than run for ever. A failure that cannot even be
    /// recorded (the database is away) counts nothing: the lease lapses and the chunk is tried again later.
    /// </summary>
    private async Task FailedAsync(
        DistributionTask task, Shard shard, string owner, int position, long firstRow, Exception error, CancellationToken ct)
    {
        var limit = options.Value.MaxChunkAttempts;
        var failures = await shards.RecordFailureAsync(shard.Id, owner, error.Message, clock.GetUtcNow(), options.Value.ChunkRetryDelay, ct);
        LogChunkFailed(error, task.Id, position, failures, limit);
        metrics.ChunkFailed(abandoned: failures >= limit);
        if (failures < limit) return;
        await lifecycle.AbortAsync(task.Id, ChunkFailed, $"The chunk from row {firstRow} failed {failures} times: {error.Message}", ct);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Distribution task {Task}: chunk {Chunk} failed (attempt {Attempt} of {Limit})")]
    private partial void LogChunkFailed(Exception error, long task, int chunk, int attempt, int limit);

    private Task<IIssuedCoupons?> IssueChunkAsync(DistributionTask task, Shard shard, string owner, int position, List<Recipient> recipients,
        bool done, CancellationToken ct) => db.WriteWithRetryAsync<IIssuedCoupons?>(async scope =>
    {
        var now = UtcMillis.Now(clock);
        if (!await shards.AdvanceAsync(shard.Id, owner, position, now + options.Value.LeaseDuration, now, scope, ct)) return null;
        var issued = await distribution.IssueAsync(
            new DistributionRequest(task.Template, task.Merchant, task.Id, recipients.Select(r => new UserId(r.UserId)).ToList()), scope, ct);
        var failures = new List<FailureRow>();
        var pushed = new List<OutgoingEvent>();
        for (var i = 0; i < recipients.Count; i++)
        {
            var decision = issued.Decisions[i];
            if (decision.Coupon is { } coupon)
            {
                if (task.Notify.Count > 0) pushed.Add(TaskEvents.Pushed(task, recipients[i].UserId, coupon.Value, now));
            }
            else
            {
                failures.Add(new FailureRow(recipients[i].RowNumber, recipients[i].UserId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    FailureReasons.Of(decision.Refusal)));
            }
        }
        await store.AddFailuresAsync(task.Id, failures, scope, ct);
        await shards.CountAsync(shard.Id, recipients.Count, recipients.Count - failures.Count, failures.Count, done, owner, scope, ct);
        await outbox.AddAsync(pushed, scope, ct);
        await scope.CommitAsync(ct);
        return issued;
    }, ct);
}
