using Microsoft.Extensions.Diagnostics.HealthChecks;
using IConnectionMultiplexer = StackExchange.Redis.IConnectionMultiplexer;

namespace PromotionEngine.Platform.Health;

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
