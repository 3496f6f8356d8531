using System.Diagnostics;
using System.Net.Sockets;

namespace PromotionEngine.System.Tests.Infrastructure;

/// <summary>
/// A real nginx running the production gateway (deploy/nginx/gateway.conf and routes.conf, as they are) on a free
/// loopback port, through deploy/nginx/loopback.conf, with upstream groups of the test's choosing.
/// </summary>
public sealed class NginxGateway : IAsyncDisposable
{
    /// <summary>The upstream group of each role in routes.conf.</summary>
    public static readonly IReadOnlyDictionary<string, string> Groups = new Dictionary<string, string>
    {
        ["merchant-admin"] = "promo_merchant_admin",
        ["engine"] = "promo_engine",
        ["distribution"] = "promo_distribution",
        ["settlement"] = "promo_settlement",
        ["search"] = "promo_search",
        ["clearing"] = "promo_clearing",
        ["console"] = "promo_console",
    };

    private readonly Process _process;
    private readonly string _state;

    private NginxGateway(Process process, string state, int port) => (_process, _state, Port) = (process, state, port);

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    /// <summary>What nginx wrote to its error log so far.</summary>
    public string ErrorLog => File.Exists(Path.Combine(_state, "nginx-error.log")) ? File.ReadAllText(Path.Combine(_state, "nginx-error.log")) : "";

    /// <param name="upstreams">For each role, the addresses (host:port) of its instances.</param>
    /// <param name="rate">The edge limit per client address (limit_req_zone's rate, e.g. "100r/s").</param>
    public static async Task<NginxGateway> StartAsync(IReadOnlyDictionary<string, string[]> upstreams, string rate = "1000r/s")
    {
        var state = Directory.CreateTempSubdirectory("promo-gateway-").FullName;
        // nginx started by root runs its workers as nobody: they must reach the body buffers under this folder.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(state, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var port = FreePorts.Next();
        await File.WriteAllTextAsync(Path.Combine(state, "upstreams.conf"), string.Concat(Groups.Select(group =>
            $"upstream {group.Value} {{\n    zone {group.Value} 64k;\n"
            + string.Concat(upstreams[group.Key].Select(address => $"    server {address} max_fails=2 fail_timeout=5s;\n"))
            + "    keepalive 16;\n}\n")));
        var config = (await File.ReadAllTextAsync(Repository.PathOf("deploy", "nginx", "loopback.conf")))
            .Replace("@STATE@", state).Replace("@DEPLOY@", Repository.PathOf("deploy", "nginx"))
            .Replace("@PORT@", port.ToString()).Replace("@RATE@", rate);
        var file = Path.Combine(state, "nginx.conf");
        await File.WriteAllTextAsync(file, config);

        var info = new ProcessStartInfo(Binaries.Find("nginx", "nginx")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-p", state, "-c", file, "-e", Path.Combine(state, "nginx-error.log") }) info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException("nginx did not start.");
        process.OutputDataReceived += (_, _) => { }; // the access log: read, so nginx never blocks on a full pipe
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var gateway = new NginxGateway(process, state, port);
        try
        {
            await Eventually(async () =>
            {
                if (process.HasExited) throw new InvalidOperationException($"nginx exited with {process.ExitCode}:\n{gateway.ErrorLog}");
                using var client = new TcpClient();
                try
                {
                    await client.ConnectAsync("127.0.0.1", port);
                    return true;
                }
                catch (SocketException)
                {
                    return false;
                }
            }, Seconds(20), $"nginx to listen on port {port}");
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
        return gateway;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Directory.Delete(_state, recursive: true);
    }
}
