using Microsoft.Extensions.Diagnostics.HealthChecks;
using PromotionEngine.Platform.Persistence;

namespace PromotionEngine.Platform.Health;

/// <summary>Every module's migrations of this build are applied (a new build started before `migrate` ran is not ready).</summary>
internal sealed class MigrationsCheck(Migrator migrator) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
    {
        var pending = await migrator.PendingAsync(ct);
        return pending.Count == 0
            ? HealthCheckResult.Healthy("every module's migrations are applied")
            : HealthCheckResult.Unhealthy($"{pending.Count} migration(s) not applied: {string.Join(", ", pending.Take(5))}");
    }
}
