using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace PromotionEngine.Engine.Adapters.Redis;

internal static class RedisSetup
{
    /// <summary>
    /// Connects without blocking start-up on Redis: when it is down, commands fail at once (FailFast) so
    /// claims answer 503 instead of queueing, and the multiplexer reconnects by itself when it returns.
    /// </summary>
    public static IConnectionMultiplexer Connect(RedisClaimOptions options)
    {
        var config = ConfigurationOptions.Parse(options.Configuration);
        config.AbortOnConnectFail = false;
        config.ConnectTimeout = 2000;
        config.AsyncTimeout = 2000;
        config.SyncTimeout = 2000;
        config.BacklogPolicy = BacklogPolicy.FailFast;
        config.ReconnectRetryPolicy = new LinearRetry(500);
        config.ClientName = "promotion-engine";
        return ConnectionMultiplexer.Connect(config);
    }

    /// <summary>Whether Redis is a cluster; null while no server is connected (it is not known yet).</summary>
    public static bool? IsCluster(IConnectionMultiplexer redis) =>
        redis.IsConnected ? redis.GetServers().Any(s => s.IsConnected && s.ServerType == ServerType.Cluster) : null;
}

/// <summary>
/// On start, drops every template's Redis counters so they are rebuilt from the database (a crash may have left
/// them ahead of it). Runs in <see cref="StartingAsync"/>, before any hosted service starts, the web server
/// included: no claim is decided on counters a killed instance left behind.
/// </summary>
internal sealed partial class RebuildClaimCountersOnStart(IConnectionMultiplexer redis, RedisClaimCounters counters, IOptions<EngineOptions> options,
    ILogger<RebuildClaimCountersOnStart> log) : IHostedLifecycleService
{
    /// <summary>How long start-up waits for the first connection before it gives up on Redis for now.</summary>
    private static readonly TimeSpan ConnectWait = TimeSpan.FromSeconds(5);

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Redis.RebuildOnStart) return;
        var deadline = DateTime.UtcNow + ConnectWait;
        while (!redis.IsConnected && DateTime.UtcNow < deadline) await Task.Delay(20, cancellationToken);
        if (!redis.IsConnected)
        {
            LogRedisDown(null);
            return;
        }
        try
        {
            await counters.RebuildAllAsync();
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException)
        {
            // Redis is down now; when it returns empty, every template's counters are rebuilt on first use anyway.
            LogRedisDown(e);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is unavailable at start; claim counters will be rebuilt when it returns")]
    private partial void LogRedisDown(Exception? error);
}
