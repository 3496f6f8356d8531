using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Platform.Health;

/// <summary>A connection from the pool and one round trip.</summary>
internal sealed class DatabaseCheck(IDatabase db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT 1", cancellationToken: ct));
        return HealthCheckResult.Healthy($"{db.Dialect} answers");
    }
}
