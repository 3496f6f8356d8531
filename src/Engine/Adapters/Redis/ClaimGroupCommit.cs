using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PromotionEngine.Engine.Claims;

namespace PromotionEngine.Engine.Adapters.Redis;

/// <summary>
/// The Redis claim path's writer (it serves no other gate, so it sits with that gate's adapters, but sees only ports).
/// Group commit: claims granted by the fast gate queue here and are written many to a transaction, each
/// caller answered when its batch commits, so a 201 always means "in the database" at a fraction of the
/// cost of one transaction per claim. A batch that breaks a rule (the database disagrees with the cache)
/// is retried claim by claim through the database gate (<see cref="IExactClaimGate"/>), which decides each one exactly.
/// There is one write lane per writer, and a template's claims always take the same lane: they would wait for
/// its issuance row anyway, so splitting them over concurrent transactions would only make smaller batches
/// (more statements per claim); different templates still commit in parallel.
/// </summary>
internal sealed partial class ClaimGroupCommit(
    IClaimLedger ledger, IExactClaimGate exact, EngineMetrics metrics, IOptions<EngineOptions> options, ILogger<ClaimGroupCommit> log)
    : BackgroundService
{
    private readonly GroupCommitLanes<Pending> _lanes = new(options.Value.Redis.Writers, options.Value.Redis.MaxBatch);
    private readonly ConcurrentDictionary<long, Task<GateDecision>> _inFlight = new();
    private readonly TaskCreationOptions _answering =
        options.Value.Redis.AnswerOnWriter ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously;

    /// <summary>The engine's own spans (docs/operations.md, "Traces").</summary>
    public static readonly ActivitySource Source = new("PromotionEngine.Engine");

    /// <param name="Queued">When it was queued (a Stopwatch timestamp), for the batch wait metric.</param>
    private sealed record Pending(ClaimTicket Ticket, TaskCompletionSource<GateDecision> Done, long Queued);

    /// <summary>Queues a granted claim; completes when it is stored (Granted) or refused by the database.</summary>
    public Task<GateDecision> CommitAsync(ClaimTicket ticket)
    {
        var pending = new Pending(ticket, new TaskCompletionSource<GateDecision>(_answering), Stopwatch.GetTimestamp());
        _inFlight[ticket.Coupon.Id.Value] = pending.Done.Task;
        if (_lanes.TryQueue(pending, ticket.Template.Id.Value)) return pending.Done.Task;
        _inFlight.TryRemove(ticket.Coupon.Id.Value, out _); // never queued: nothing will complete it
        throw new ClaimsUnavailableException("The engine is shutting down.");
    }

    /// <summary>The outcome of a claim this process is still writing, if it is one.</summary>
    public Task<GateDecision>? InFlight(long couponId) => _inFlight.GetValueOrDefault(couponId);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _lanes.RunAsync(WriteAsync, Abandon, stoppingToken);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (ExecuteTask is { IsCanceled: true }) _lanes.AbandonUnrun(Abandon); // stopped before the loop ever ran
    }

    private void Abandon(Pending left) => Finish(left, new ClaimsUnavailableException("The engine stopped before the claim was stored."));

    private async Task WriteAsync(List<Pending> batch)
    {
        using var span = StartSpan(batch.ConvertAll(p => p.Ticket));
        try
        {
            if (await ledger.TryRecordAllAsync(batch.Select(p => p.Ticket).ToList(), CancellationToken.None))
            {
                metrics.BatchWritten("committed", batch.Count, batch.Select(p => Stopwatch.GetElapsedTime(p.Queued)));
                foreach (var pending in batch) Finish(pending, new GateDecision.Granted());
                return;
            }
            metrics.BatchWritten("refused", batch.Count, []);
            LogBatchRefused(batch.Count);
            foreach (var pending in batch) await DecideOneAsync(pending);
        }
        catch (Exception e)
        {
            metrics.BatchWritten("failed", batch.Count, []);
            LogBatchFailed(e, batch.Count);
            foreach (var pending in batch) Finish(pending, new ClaimsUnavailableException("The claim could not be stored.", e));
        }
    }

    /// <summary>
    /// The batch's span continues the trace of its first claim (HTTP, Redis, then this commit and its database commands) and
    /// links the others' requests: one span serves many traces.
    /// </summary>
    internal static Activity? StartSpan(IReadOnlyList<ClaimTicket> batch)
    {
        if (!Source.HasListeners()) return null;
        var links = batch.Skip(1).Select(t => t.Trace?.Context ?? default).Where(c => c != default).Select(c => new ActivityLink(c));
        var span = Source.StartActivity("claims group commit", ActivityKind.Internal, batch[0].Trace?.Context ?? default, links: links);
        span?.SetTag("promotion.claims.batch_size", batch.Count);
        return span;
    }

    private async Task DecideOneAsync(Pending pending)
    {
        try
        {
            Finish(pending, await exact.TryClaimAsync(pending.Ticket, CancellationToken.None));
        }
        catch (Exception e)
        {
            Finish(pending, new ClaimsUnavailableException("The claim could not be stored.", e));
        }
    }

    private void Finish(Pending pending, GateDecision decision)
    {
        pending.Done.TrySetResult(decision);
        _inFlight.TryRemove(pending.Ticket.Coupon.Id.Value, out _);
    }

    private void Finish(Pending pending, Exception error)
    {
        pending.Done.TrySetException(error);
        _inFlight.TryRemove(pending.Ticket.Coupon.Id.Value, out _);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} claims broke a rule in the database; deciding them one by one")]
    private partial void LogBatchRefused(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "A batch of {Count} claims could not be written")]
    private partial void LogBatchFailed(Exception error, int count);
}
