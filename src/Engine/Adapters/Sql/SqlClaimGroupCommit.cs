using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Engine.Adapters.Redis;
using PromotionEngine.Engine.Claims;
using PromotionEngine.Engine.Coupons;
using PromotionEngine.Engine.Messaging;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Adapters.Sql;

/// <summary>
/// The database gate's group commit on SQLite (the embedded default): SQLite has one writer, so claims queue for it anyway;
/// here they queue on one lane (<see cref="GroupCommitLanes{T}"/>) and whatever queued while the last transaction was being
/// written is decided and written in the next one. Each claim is decided exactly as alone (<see cref="SqlClaimGate.Decisions"/>:
/// its request row, its conditional counters, in the batch's order); a claim refused after writing is undone alone by going back to
/// a savepoint taken before the claims granted since the last refusal and writing those again, so a refusal never undoes the
/// others, and a batch without refusals takes one savepoint instead of one per claim. The granted claims' coupons and events are written after the last decision, and
/// every caller is answered only when the transaction has committed (a 201 is still durable). A batch that fails (a broken disk,
/// a bug) is rolled back whole and its claims are decided again one by one, each in its own transaction, so each caller gets its
/// own claim's answer. On MySQL the database gate keeps a transaction per claim (its writers run concurrently, on row locks).
/// </summary>
internal sealed partial class SqlClaimGroupCommit(
    IDatabase db, SqlClaimGate gate, IUserCoupons coupons, IOutbox outbox, EngineMetrics metrics, IOptions<EngineOptions> options,
    ILogger<SqlClaimGroupCommit> log) : BackgroundService, IClaimGate
{
    // One lane: a second would only wait for SQLite's write lock.
    private readonly GroupCommitLanes<Pending> _lanes = new(1, options.Value.Database.MaxBatch);
    private readonly TaskCreationOptions _answering =
        options.Value.Database.AnswerOnWriter ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously;

    /// <param name="Queued">When it was queued (a Stopwatch timestamp), for the batch wait metric.</param>
    private sealed record Pending(ClaimTicket Ticket, TaskCompletionSource<GateDecision> Done, long Queued);

    /// <summary>Queues the claim for the next batch; completes with its decision once that batch has committed.</summary>
    public Task<GateDecision> TryClaimAsync(ClaimTicket ticket, CancellationToken ct)
    {
        if (db.Dialect != SqlDialect.Sqlite) return gate.TryClaimAsync(ticket, ct);
        var pending = new Pending(ticket, new TaskCompletionSource<GateDecision>(_answering),
            Stopwatch.GetTimestamp());
        if (_lanes.TryQueue(pending, ticket.Template.Id.Value)) return pending.Done.Task;
        throw new ClaimsUnavailableException("The engine is shutting down.");
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _lanes.RunAsync(WriteAsync, Abandon, stoppingToken);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (ExecuteTask is { IsCanceled: true }) _lanes.AbandonUnrun(Abandon); // stopped before the loop ever ran
    }

    private static void Abandon(Pending left) =>
        left.Done.TrySetException(new ClaimsUnavailableException("The engine stopped before the claim was decided."));

    private async Task WriteAsync(List<Pending> batch)
    {
        GateDecision[] decisions;
        // The batch's span continues its first claim's trace and links the others' (as on the Redis path).
        using (ClaimGroupCommit.StartSpan(batch.ConvertAll(p => p.Ticket)))
        {
            try
            {
                decisions = await DecideAllAsync(batch);
                metrics.BatchWritten("committed", batch.Count, batch.Select(p => Stopwatch.GetElapsedTime(p.Queued)));
            }
            catch (Exception e)
            {
                metrics.BatchWritten("failed", batch.Count, []);
                LogBatchFailed(e, batch.Count);
                foreach (var pending in batch) await DecideAloneAsync(pending);
                return;
            }
        }
        for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(decisions[i]);
    }

    private async Task<GateDecision[]> DecideAllAsync(List<Pending> batch)
    {
        var ct = CancellationToken.None; // a claim that is being decided is finished, whoever stops waiting for it
        await using var scope = await db.BeginWriteAsync(ct);
        var decisions = new GateDecision[batch.Count];
        var granted = new List<ClaimTicket>(batch.Count);
        await using (var decide = gate.Decide(scope))
        {
            // One savepoint marks where the claims granted since the last refusal begin (the run), not one per claim: two statements
            // a claim fewer. A claim refused after writing (its request row, a counter) is undone by going back to the mark and
            // writing the run's claims again: the same statements on the same state in the same transaction (SQLite's one writer
            // holds it), so each is granted again, and if one were not the batch fails whole and its claims are decided one by one.
            // A duplicate wrote nothing: its request row's insert failed, and SQLite undoes a failed statement by itself.
            await decide.SaveAsync(ct);
            var run = new List<ClaimTicket>(batch.Count);
            for (var i = 0; i < batch.Count; i++)
            {
                decisions[i] = await decide.DecideAsync(batch[i].Ticket, ct);
                if (decisions[i] is GateDecision.Granted) run.Add(batch[i].Ticket);
                else if (decisions[i] is not GateDecision.Duplicate) await UndoAsync(decide, run, ct);
            }
            granted.AddRange(batch.Where((_, i) => decisions[i] is GateDecision.Granted).Select(p => p.Ticket));
        }
        if (granted.Count > 0)
        {
            await (granted.Count == 1
                ? coupons.AddAsync(granted[0].Coupon, scope, ct)
                : coupons.AddAllAsync(granted.Select(t => t.Coupon).ToList(), scope, ct));
            await outbox.AddAsync(
                granted.SelectMany(t => SqlClaimLedger.InTraceOf(t, () => CouponEvents.Claimed(t.Coupon, CouponSources.Claim, null))).ToList(),
                scope, ct);
            await scope.CommitAsync(ct);
        }
        return decisions;
    }

    /// <summary>Undoes a refused claim's writes: back to the mark, the run's granted claims written again, the mark moved after them.</summary>
    private static async Task UndoAsync(SqlClaimGate.Decisions decide, List<ClaimTicket> run, CancellationToken ct)
    {
        await decide.RollbackToSavedAsync(ct);
        foreach (var ticket in run)
        {
            if (await decide.DecideAsync(ticket, ct) is not GateDecision.Granted)
                throw new InvalidOperationException("A claim granted earlier in the batch was not granted when written again.");
        }
        await decide.ReleaseSavedAsync(ct);
        await decide.SaveAsync(ct);
        run.Clear();
    }

    private async Task DecideAloneAsync(Pending pending)
    {
        try
        {
            pending.Done.TrySetResult(await gate.TryClaimAsync(pending.Ticket, CancellationToken.None));
        }
        catch (Exception e)
        {
            pending.Done.TrySetException(e); // what the claim alone threw, as when claims were not grouped
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A batch of {Count} claims could not be written; deciding them one by one")]
    private partial void LogBatchFailed(Exception error, int count);
}
