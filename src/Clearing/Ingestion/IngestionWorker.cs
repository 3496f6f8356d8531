using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PromotionEngine.Clearing.Store;

namespace PromotionEngine.Clearing.Ingestion;

/// <summary>
/// Feeds the analytic store from the clearing journal in the processes that serve the clearing role, one instance at a time
/// (the ingester's lease). Rows are stored in batches: as soon as a whole batch (Clearing:BatchSize) waits, or when the oldest
/// waiting row has waited Clearing:FlushInterval. A rebuild asked for by an operator empties the store and starts again from seq 0.
/// Between batches, at most once a second, the last closed day's balances are recorded once the store holds all of that day.
/// </summary>
internal sealed partial class IngestionWorker(
    IngestJournal ingest, IAnalyticStore store, IngesterLease lease, RecordClosedBalances closedBalances, IOptions<ClearingOptions> options,
    ILogger<IngestionWorker> log)
    : BackgroundService
{
    private static readonly TimeSpan BalancesEvery = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var poll = TimeSpan.FromMilliseconds(Math.Clamp(settings.FlushInterval.TotalMilliseconds / 4, 5, 250));
        long? waitingSince = null; // Stopwatch ticks: when rows fewer than a batch were first seen waiting
        long? balancesCheckedAt = null;
        try
        {
            await store.EnsureSchemaAsync(stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (!await lease.HoldAsync(settings.LeaseTime, stoppingToken))
                    {
                        waitingSince = null;
                        await Task.Delay(settings.LeaseTime / 4, stoppingToken);
                        continue;
                    }
                    if (await ingest.RebuildIfAskedAsync(stoppingToken)) LogRebuilding(log, store.Name);
                    var status = await ingest.MeasureAsync(stoppingToken);
                    var due = status.LagRows >= settings.BatchSize
                        || (status.LagRows > 0 && waitingSince is { } since && Stopwatch.GetElapsedTime(since) >= settings.FlushInterval);
                    if (due)
                    {
                        await ingest.StoreBatchAsync(settings.BatchSize, stoppingToken);
                        waitingSince = null;
                        continue;
                    }
                    if (status.LagRows > 0) waitingSince ??= Stopwatch.GetTimestamp();
                    if (balancesCheckedAt is not { } checkedAt || Stopwatch.GetElapsedTime(checkedAt) >= BalancesEvery)
                    {
                        if (await closedBalances.RunAsync(stoppingToken) is { } day) LogBalances(log, day);
                        balancesCheckedAt = Stopwatch.GetTimestamp();
                    }
                    await Task.Delay(poll, stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    LogFailed(log, e);
                    await Task.Delay(settings.RetryDelay, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await lease.ReleaseAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(log, e); // the lease lapses by itself
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rebuilding the clearing's {Store} store from the journal")]
    private static partial void LogRebuilding(ILogger logger, string store);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recorded the clearing balances of the days through {Day}")]
    private static partial void LogBalances(ILogger logger, DateOnly day);

    [LoggerMessage(Level = LogLevel.Error, Message = "Clearing ingestion failed; trying again")]
    private static partial void LogFailed(ILogger logger, Exception error);
}
