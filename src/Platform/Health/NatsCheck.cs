using Microsoft.Extensions.Diagnostics.HealthChecks;
using PromotionEngine.Platform.Messaging.Nats;

namespace PromotionEngine.Platform.Health;

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
