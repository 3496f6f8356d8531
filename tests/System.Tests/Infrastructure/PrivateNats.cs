using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PromotionEngine.System.Tests.Infrastructure;

/// <summary>
/// A nats-server with JetStream of the test's own (the Debian binary the service script installs), on a free
/// port with its own store folder, so a test can stop and restart it without touching the NATS others share.
/// The store survives a stop, as a real server's disk does.
/// </summary>
public sealed class PrivateNats : IAsyncDisposable
{
    private readonly string _store = Path.Combine(Path.GetTempPath(), "promo-nats-" + Guid.NewGuid().ToString("N"));
    private Process? _process;

    public int Port { get; } = FreePort();

    public string Url => $"nats://127.0.0.1:{Port}";

    public static async Task<PrivateNats> StartAsync()
    {
        var nats = new PrivateNats();
        await nats.StartAgainAsync();
        return nats;
    }

    public async Task StartAgainAsync()
    {
        var binary = Binaries.Find("nats-server", "nats");
        _process = Process.Start(new ProcessStartInfo(binary, $"-a 127.0.0.1 -p {Port} -js -sd {_store}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("nats-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await NatsServer.RequireWithinAsync(Url, TimeSpan.FromSeconds(10));
    }

    /// <summary>Kills the server; what it stored is kept for the next start.</summary>
    public async Task StopAsync()
    {
        if (_process is null) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try { Directory.Delete(_store, recursive: true); } catch (IOException) { }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Reaching a NATS server from the tests.</summary>
public static class NatsServer
{
    public static string Url => Environment.GetEnvironmentVariable("PROMO_TEST_NATS") ?? "nats://127.0.0.1:4222";

    /// <summary>A missing NATS fails the tests with a clear message; it never skips them.</summary>
    public static async Task RequireAsync(string url)
    {
        var uri = new Uri(url);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(uri.Host, uri.Port);
        }
        catch (SocketException e)
        {
            throw new InvalidOperationException(
                $"NATS is not reachable at {url}. Start it with `scripts/services.sh start nats` (the README's test command does this), or set PROMO_TEST_NATS.", e);
        }
    }

    public static async Task RequireWithinAsync(string url, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            try
            {
                await RequireAsync(url);
                return;
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}
