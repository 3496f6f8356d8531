namespace PromotionEngine.System.Tests.Infrastructure;

/// <summary>
/// A redis-server of the test's own, so a test can flush, stop and restart it. Nothing persists: a stop loses
/// everything, as a crash of a non-persistent Redis does.
/// </summary>
public sealed class PrivateRedis : PrivateServer
{
    public string Configuration => $"127.0.0.1:{Port}";

    protected override (string Binary, string Service) Program => ("redis-server", "redis");

    protected override string Arguments => $"--bind 127.0.0.1 --port {Port} --save \"\" --appendonly no";

    protected override Task WaitUntilReadyAsync() => RedisApp.RequireRedisWithinAsync(Configuration, TimeSpan.FromSeconds(10));

    public static async Task<PrivateRedis> StartAsync()
    {
        var redis = new PrivateRedis();
        await redis.StartAgainAsync();
        return redis;
    }

    public async Task FlushAllAsync()
    {
        await using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(Configuration + ",allowAdmin=true");
        await connection.GetServer(Configuration).FlushAllDatabasesAsync();
    }
}
