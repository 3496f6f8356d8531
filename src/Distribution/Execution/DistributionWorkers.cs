using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PromotionEngine.Distribution.Recipients;
using PromotionEngine.Distribution.Tasks;
using PromotionEngine.Kernel.Logging;

namespace PromotionEngine.Distribution.Execution;

/// <summary>
/// The module's background work, in processes serving the distribution role: one loop starts due tasks and
/// completes finished ones, one imports pending files, and <see cref="DistributionOptions.Workers"/> loops each
/// lease a free shard and work it. Everything they share lives in the database, so any number of instances
/// divide the work between them; a dead instance's leases lapse and its work is taken over.
/// </summary>
internal sealed partial class DistributionWorkers(IDistributionTasks tasks, IShards shards, TaskLifecycle lifecycle, ImportRecipients import,
    RunShard runShard, DistributionMetrics metrics,
    DistributionInstance instance, DistributionSignal signal, TimeProvider clock, IOptions<DistributionOptions> options,
    ILogger<DistributionWorkers> log) : BackgroundService
{
    private DistributionOptions Options => options.Value;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll([
            LoopAsync("scheduler", ScheduleAsync, stoppingToken),
            LoopAsync("import", import.RunNextAsync, stoppingToken),
            .. Enumerable.Range(0, Options.Workers).Select(i => LoopAsync($"shard worker {i}", WorkOneShardAsync, stoppingToken)),
        ]);

    /// <summary>Runs <paramref name="step"/> again at once while it finds work, else after a signal or the poll interval.</summary>
    private async Task LoopAsync(string name, Func<CancellationToken, Task<bool>> step, CancellationToken ct)
    {
        await Task.Yield();
        while (!ct.IsCancellationRequested)
        {
            var busy = false;
            try
            {
                busy = await step(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogLoopFailed(e, name); // the database may be away: try again after the interval
            }
            if (busy) continue;
            try
            {
                await signal.WaitAsync(Options.PollInterval, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<bool> ScheduleAsync(CancellationToken ct)
    {
        var busy = false;
        foreach (var id in await tasks.DueAsync(clock.GetUtcNow(), 20, ct))
        {
            using var scope = log.BeginScope(LogScope.Of((LogScope.TaskId, id)));
            if (!await lifecycle.TryStartAsync(id, ct)) continue;
            LogStarted(id);
            signal.Notify();
            busy = true;
        }
        foreach (var id in await tasks.FinishedRunningAsync(20, ct))
        {
            using var scope = log.BeginScope(LogScope.Of((LogScope.TaskId, id)));
            await lifecycle.TryCompleteAsync(id, ct);
        }
        return busy;
    }

    private async Task<bool> WorkOneShardAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var free = await shards.FindFreeAsync(now, Options.Workers * 2, ct);
        foreach (var id in free.OrderBy(_ => Random.Shared.Next()))
        {
            var owner = instance.NewToken();
            var shard = await shards.TryLeaseAsync(id, owner, now, now + Options.LeaseDuration, ct);
            if (shard is null) continue;
            using var scope = log.BeginScope(LogScope.Of((LogScope.TaskId, shard.TaskId))); // every line the shard's chunks write
            using var working = metrics.Working();
            try
            {
                await runShard.RunAsync(shard, owner, ct);
            }
            finally
            {
                // Let another worker (here or elsewhere) take it at once rather than after the lease lapses.
                await shards.ReleaseAsync(shard.Id, owner, CancellationToken.None);
            }
            return true;
        }
        return false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Distribution task {Task} started")]
    private partial void LogStarted(long task);

    [LoggerMessage(Level = LogLevel.Error, Message = "Distribution {Loop} failed; retrying after the poll interval")]
    private partial void LogLoopFailed(Exception error, string loop);
}
