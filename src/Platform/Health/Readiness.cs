using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PromotionEngine.Platform.Telemetry;

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
