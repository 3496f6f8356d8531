using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PromotionEngine.System.Tests.Infrastructure;

/// <summary>
/// A redis-server of the test's own (the Debian binary the service script installs), on a free port, so a
/// test can flush, stop and restart it without touching the Redis other tests share. Nothing persists.
/// </summary>
public sealed class PrivateRedis : IAsyncDisposable
{
    private Process? _process;

    public int Port { get; } = FreePort();

    public string Configuration => $"127.0.0.1:{Port}";

    public static async Task<PrivateRedis> StartAsync()
    {
        var redis = new PrivateRedis();
        await redis.StartAgainAsync();
        return redis;
    }

    public async Task StartAgainAsync()
    {
        var binary = Binaries.Find("redis-server", "redis");
        _process = Process.Start(new ProcessStartInfo(binary, $"--bind 127.0.0.1 --port {Port} --save \"\" --appendonly no")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        await RedisApp.RequireRedisWithinAsync(Configuration, TimeSpan.FromSeconds(10));
    }

    /// <summary>Kills the server (its data is gone, as after a crash of a non-persistent Redis).</summary>
    public async Task StopAsync()
    {
        if (_process is null) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    public async Task FlushAllAsync()
    {
        await using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(Configuration + ",allowAdmin=true");
        await connection.GetServer(Configuration).FlushAllDatabasesAsync();
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
