using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Platform.Messaging;
using PromotionEngine.Platform.Messaging.Nats;
using PromotionEngine.Platform.Persistence;
using PromotionEngine.Platform.Telemetry;
using IConnectionMultiplexer = StackExchange.Redis.IConnectionMultiplexer;

namespace PromotionEngine.Platform.Health;

/// <summary>
/// Liveness and readiness. <c>/health/live</c> is the process answering (no check: restarting it would not mend a
/// database). <c>/health/ready</c> (and <c>/health</c>, its old name) runs every check tagged ready: the database,
/// this build's migrations applied, the worker-number lease held and unexpired, Redis when the claim gate uses
/// it, NATS when it is the transport; 503 when any fails. Both answer JSON naming each check and its status.
/// </summary>
internal static class Readiness
{
    public const string Tag = "ready";

    /// <summary>No check may hold a probe longer (MySqlConnector's connect timeout alone is 15 s).</summary>
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    /// <param name="redis">Whether the claim gate uses Redis (the Host reads it from the Engine's settings).</param>
    public static IServiceCollection AddReadiness(this IServiceCollection services, IConfiguration configuration, bool redis)
    {
        var checks = services.AddHealthChecks()
            .AddCheck<DatabaseCheck>("database", tags: [Tag], timeout: CheckTimeout)
            .AddCheck<MigrationsCheck>("migrations", tags: [Tag], timeout: CheckTimeout)
            .AddCheck<WorkerLeaseCheck>("worker-lease", tags: [Tag], timeout: CheckTimeout);
        // The same choices the Engine and the messaging setup make from the same settings.
        if (redis) checks.AddCheck<RedisCheck>("redis", tags: [Tag], timeout: CheckTimeout);
        if ((configuration["Messaging:Transport"] ?? "InProcess") == "Nats") checks.AddCheck<NatsCheck>("nats", tags: [Tag], timeout: CheckTimeout);
        return services;
    }

    public static void MapReadiness(this IEndpointRouteBuilder app)
    {
        var live = new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync };
        var ready = new HealthCheckOptions { Predicate = check => check.Tags.Contains(Tag), ResponseWriter = WriteAsync };
        app.MapHealthChecks("/health/live", live).OnManagementPort();
        app.MapHealthChecks("/health/ready", ready).OnManagementPort();
        app.MapHealthChecks("/health", ready).OnManagementPort();
    }

    /// <summary>
    /// <c>{"status":"Unhealthy","checks":[{"name":"database","status":"Unhealthy","description":"…","durationMs":3.1},…]}</c>.
    /// Descriptions are the checks' own words; exception messages (hosts, ports) go to the log only.
    /// </summary>
    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        http.Response.Headers.CacheControl = "no-store";
        return http.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new
            {
                name = e.Key,
                status = e.Value.Status.ToString(),
                description = e.Value.Description ?? (e.Value.Exception is { } x ? $"failed ({x.GetType().Name})" : null),
                durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
            }),
        }));
    }
}

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

/// <summary>The claim gate's own Redis connection answers a PING.</summary>
internal sealed class RedisCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
    {
        var redis = services.GetRequiredService<IConnectionMultiplexer>();
        if (!redis.IsConnected) return HealthCheckResult.Unhealthy("not connected");
        var latency = await redis.GetDatabase().PingAsync().WaitAsync(ct);
        return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:0.0} ms");
    }
}

/// <summary>The transport's NATS connection is open and answers a PING.</summary>
internal sealed class NatsCheck(NatsJetStream nats) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
    {
        if (!nats.Connected) return HealthCheckResult.Unhealthy($"not connected ({nats.State})");
        var latency = await nats.PingAsync(ct);
        return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:0.0} ms");
    }
}
