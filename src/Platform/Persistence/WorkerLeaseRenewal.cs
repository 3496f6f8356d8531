using System.Data.Common;

namespace PromotionEngine.Platform.Persistence;

/// <summary>Renews the worker lease; an instance that lost its number stops rather than risk issuing duplicate ids.</summary>
internal sealed partial class WorkerLeaseRenewal(
    WorkerLease lease, TimeProvider clock, IHostApplicationLifetime lifetime, ILogger<WorkerLeaseRenewal> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(WorkerLease.RenewEvery, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    if (await lease.RenewAsync(stoppingToken)) continue;
                    LogLost(lease.Worker);
                    lifetime.StopApplication();
                    return;
                }
                catch (Exception e) when (e is DbException or TimeoutException)
                {
                    LogRenewFailed(e); // the lease lasts four renewals: the next tick tries again
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await lease.ReleaseAsync(CancellationToken.None);
    }

    [LoggerMessage(
        Level = LogLevel.Critical, Message = "Worker number {Worker} is now held by another instance; stopping so that no id is issued twice")]
    private partial void LogLost(int worker);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the worker lease failed; retrying")]
    private partial void LogRenewFailed(Exception error);
}
