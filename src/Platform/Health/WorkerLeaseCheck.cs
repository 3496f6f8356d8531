using Microsoft.Extensions.Diagnostics.HealthChecks;
using PromotionEngine.Platform.Persistence;

namespace PromotionEngine.Platform.Health;

/// <summary>The worker number for ids is leased to this instance and the lease has not run out (renewals reach the database).</summary>
internal sealed class WorkerLeaseCheck(WorkerLease lease, TimeProvider clock) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
    {
        var until = lease.LeasedUntil;
        var now = clock.GetUtcNow();
        return Task.FromResult(until switch
        {
            null => HealthCheckResult.Unhealthy("no worker number leased"),
            { } u when u <= now => HealthCheckResult.Unhealthy($"the lease of worker number {lease.Worker} ran out at {u:O} (renewals fail)"),
            { } u => HealthCheckResult.Healthy($"worker number {lease.Worker} leased until {u:O}"),
        });
    }
}
