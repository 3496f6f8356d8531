namespace PromotionEngine.Platform.Persistence;

/// <summary>Renews the worker lease; an instance that lost its number stops rather than risk issuing duplicate ids.</summary>
internal sealed partial class WorkerLeaseRenewal(
    WorkerLease lease, TimeProvider clock, IHostApplicationLifetime lifetime, ILogger<WorkerLeaseRenewal> log)
    : BackgroundService
{
    internal enum Outcome
    {
        Renewed,
        Failed,
        Lost,
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(WorkerLease.RenewEvery, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (await RenewOnceAsync(stoppingToken) != Outcome.Lost) continue;
                lifetime.StopApplication();
                return;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        try
        {
            await lease.ReleaseAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            LogReleaseFailed(e); // the lease runs out by itself
        }
    }

    /// <summary>
    /// One renewal. Whatever keeps it from the database (a server restarting breaks pooled connections in more ways than
    /// DbException: MySqlConnector throws EndOfStreamException from BeginTransaction) is retried on the next tick, as the
    /// lease lasts four renewals; only the database answering that another instance holds the number stops this one. An
    /// exception escaping here would stop the whole host.
    /// </summary>
    internal async Task<Outcome> RenewOnceAsync(CancellationToken ct)
    {
        try
        {
            if (await lease.RenewAsync(ct)) return Outcome.Renewed;
            LogLost(lease.Worker);
            return Outcome.Lost;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            LogRenewFailed(e);
            return Outcome.Failed;
        }
    }

    [LoggerMessage(
        Level = LogLevel.Critical, Message = "Worker number {Worker} is now held by another instance; stopping so that no id is issued twice")]
    private partial void LogLost(int worker);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the worker lease failed; retrying on the next tick")]
    private partial void LogRenewFailed(Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Releasing the worker lease at shutdown failed; it runs out by itself")]
    private partial void LogReleaseFailed(Exception error);
}
