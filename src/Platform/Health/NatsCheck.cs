using Microsoft.Extensions.Diagnostics.HealthChecks;
using NATS.Client.Core;
using PromotionEngine.Platform.Messaging.Nats;

namespace PromotionEngine.Platform.Health;

/// <summary>
/// The transport's NATS connection is open and answers a PING. The connection opens on first use: a process with no
/// consumers (a distribution-only instance) has not used it before its first event, so a connection never opened is
/// opened here rather than reported down; one that was open and is reconnecting is down.
/// </summary>
internal sealed class NatsCheck(NatsJetStream nats) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
    {
        if (nats.State == NatsConnectionState.Closed)
        {
            try
            {
                await nats.ConnectAsync();
            }
            catch (NatsException e)
            {
                return HealthCheckResult.Unhealthy($"cannot connect: {e.Message}");
            }
        }
        if (!nats.Connected) return HealthCheckResult.Unhealthy($"not connected ({nats.State})");
        var latency = await nats.PingAsync(ct);
        return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:0.0} ms");
    }
}
