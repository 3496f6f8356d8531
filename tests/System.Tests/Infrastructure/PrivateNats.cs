using System.Net.Sockets;

namespace PromotionEngine.System.Tests.Infrastructure;

/// <summary>
/// A nats-server with JetStream of the test's own, with its own store folder, so a test can stop and restart it.
/// The store survives a stop, as a real server's disk does.
/// </summary>
public sealed class PrivateNats : PrivateServer
{
    private readonly string _store = Path.Combine(Path.GetTempPath(), "promo-nats-" + Guid.NewGuid().ToString("N"));

    public string Url => $"nats://127.0.0.1:{Port}";

    protected override (string Binary, string Service) Program => ("nats-server", "nats");

    protected override string Arguments => $"-a 127.0.0.1 -p {Port} -js -sd {_store}";

    protected override Task WaitUntilReadyAsync() => NatsServer.RequireWithinAsync(Url, TimeSpan.FromSeconds(10));

    public static async Task<PrivateNats> StartAsync()
    {
        var nats = new PrivateNats();
        await nats.StartAgainAsync();
        return nats;
    }

    protected override void CleanUp()
    {
        try { Directory.Delete(_store, recursive: true); } catch (IOException) { }
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
                $"NATS is not reachable at {url}. Start it with `scripts/services.sh start nats` (the README's test command does this), or set " +
                    "PROMO_TEST_NATS.", e);
        }
    }

    /// <summary>Tries until NATS answers (a server just started), then as <see cref="RequireAsync"/>.</summary>
    public static Task RequireWithinAsync(string url, TimeSpan patience) =>
        EventuallySucceeds<InvalidOperationException>(
            () => RequireAsync(url),
            patience,
            $"NATS to answer at {url}",
            every: TimeSpan.FromMilliseconds(50));
}
