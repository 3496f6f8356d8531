using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using MySqlConnector;
using PromotionEngine.Kernel.Identity;

using PromotionEngine.System.Tests.Infrastructure.OpenApi;

namespace PromotionEngine.System.Tests.Infrastructure;

/// <summary>
/// scripts/cluster.sh run by a test: the split deployment of the Host this test run built, on its own database, Redis,
/// NATS, ports and state folder, behind nginx, with Prometheus scraping it. <see cref="StartAsync"/> brings it up on a
/// Redis and a NATS of its own; <see cref="UpAsync"/> is the script's `up` (it also restarts whatever is not running),
/// disposal its `down`, the database dropped and the private servers stopped.
/// </summary>
public sealed class Cluster : IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment;
    private readonly string _state;
    private readonly string _database;
    private readonly PrivateRedis _redis;
    private readonly PrivateNats _nats;

    private Cluster(Dictionary<string, string> environment, string state, string database, int port, int prometheusPort,
        PrivateRedis redis, PrivateNats nats) =>
        (_environment, _state, _database, Port, PrometheusPort, _redis, _nats) = (environment, state, database, port, prometheusPort, redis, nats);

    public int Port { get; }

    public int PrometheusPort { get; }

    public Uri Gateway => new($"http://127.0.0.1:{Port}");

    /// <summary>The cluster's Prometheus (its HTTP API), which scrapes every instance's management port.</summary>
    public Uri Prometheus => new($"http://127.0.0.1:{PrometheusPort}");

    public string ConnectionString => new MySqlConnectionStringBuilder(MariaDbApp.ServerConnectionString) { Database = _database }.ConnectionString;

    /// <summary>The deployment on a Redis and a NATS of its own, up and ready (`cluster.sh up` returned).</summary>
    public static async Task<Cluster> StartAsync()
    {
        var redis = await PrivateRedis.StartAsync();
        PrivateNats nats;
        try
        {
            nats = await PrivateNats.StartAsync();
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }
        var cluster = Of(redis, nats);
        try
        {
            await cluster.UpAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    private static Cluster Of(PrivateRedis redis, PrivateNats nats)
    {
        var state = Directory.CreateTempSubdirectory("promo-cluster-").FullName;
        // nginx workers (nobody, when root starts it) must reach the body buffers under this folder
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(state, (UnixFileMode)0b111_101_101);
        var database = "promo_test_cluster_" + Guid.NewGuid().ToString("N")[..8];
        var port = FreeRange(18); // the gateway, six public and six management ports (PORT+1…, PORT+11…), Prometheus
        var prometheusPort = port + 17;
        return new Cluster(new Dictionary<string, string>
        {
            ["PROMO_CLUSTER_DIR"] = state,
            ["PROMO_CLUSTER_PORT"] = port.ToString(),
            ["PROMO_CLUSTER_PROMETHEUS_PORT"] = prometheusPort.ToString(),
            ["PROMO_CLUSTER_NAME"] = database,
            ["PROMO_CLUSTER_MYSQL"] = MariaDbApp.ServerConnectionString,
            ["PROMO_CLUSTER_REDIS"] = redis.Configuration,
            ["PROMO_CLUSTER_NATS"] = nats.Url,
            ["PROMO_CLUSTER_RATE"] = "100000r/s", // the storm comes from one address: the edge limit has its own test
            ["PROMO_CLUSTER_SIGNING_KEY"] = Convert.ToBase64String(EngineApp.SigningKey),
            ["PROMO_HOST_DLL"] = HostProcess.HostDll(),
        }, state, database, port, prometheusPort, redis, nats);
    }

    /// <summary>`scripts/cluster.sh up`: starts what is not running and returns once every instance is ready.</summary>
    public Task<string> UpAsync() => RunAsync("up", TimeSpan.FromSeconds(150));

    public Task<string> StatusAsync() => RunAsync("status", TimeSpan.FromSeconds(30));

    /// <summary>
    /// Each instance's management address (host:port, as Prometheus labels its target `instance`), by process name (engine-1,
    /// …), as `cluster.sh status` lists them.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> ManagementAddressesAsync()
    {
        // process  pid  port  mgmt  readiness: the gateway and Prometheus have no management port ("-")
        var rows = (await StatusAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(columns => columns.Length >= 4 && int.TryParse(columns[3], out _));
        return rows.ToDictionary(columns => columns[0], columns => $"127.0.0.1:{columns[3]}");
    }

    /// <summary>SIGKILL to one instance (engine-1, …), by the PID the script recorded.</summary>
    public async Task KillAsync(string instance)
    {
        var pid = int.Parse((await File.ReadAllTextAsync(Path.Combine(_state, instance + ".pid"))).Trim());
        using var process = Process.GetProcessById(pid);
        process.Kill();
        await process.WaitForExitAsync();
    }

    public HttpClient As(CallerRole role, string id)
    {
        HttpClient client = new(ValidatingHandler.OverSockets()) { BaseAddress = Gateway, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", EngineApp.Tokens.Issue(role, id, TimeSpan.FromHours(1)));
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync("down", TimeSpan.FromSeconds(90));
        }
        finally
        {
            try
            {
                await using var connection = new MySqlConnection(MariaDbApp.ServerConnectionString);
                await connection.OpenAsync();
                await new MySqlCommand($"DROP DATABASE IF EXISTS `{_database}`", connection).ExecuteNonQueryAsync();
                Directory.Delete(_state, recursive: true);
            }
            finally
            {
                await _nats.DisposeAsync();
                await _redis.DisposeAsync();
            }
        }
    }

    private async Task<string> RunAsync(string action, TimeSpan patience)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Repository.PathOf("scripts", "cluster.sh"));
        info.ArgumentList.Add(action);
        HostCommand.Isolate(info, _environment);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("cluster.sh did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(patience);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"cluster.sh {action} still ran after {patience.TotalSeconds} s:\n{await output}\n{await error}");
        }
        Assert.True(process.ExitCode == 0, $"cluster.sh {action} exited with {process.ExitCode}:\n{await output}\n{await error}");
        return await output;
    }

    /// <summary>
    /// The first of <paramref name="count"/> consecutive ports nothing listens on, from a random start below the kernel's
    /// ephemeral range: a port in that range, free when checked, can become some connection's local port before the cluster
    /// binds it (engine-2 once failed to start with "address already in use" on 37066).
    /// </summary>
    private static int FreeRange(int count)
    {
        var ceiling = Math.Min(EphemeralFloor(), 40_000) - count;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var first = Random.Shared.Next(20_000, ceiling);
            if (Enumerable.Range(first, count).All(Free)) return first;
        }
        throw new InvalidOperationException($"No {count} free consecutive ports found.");

        static int EphemeralFloor()
        {
            const string range = "/proc/sys/net/ipv4/ip_local_port_range";
            return File.Exists(range) && int.TryParse(File.ReadAllText(range).Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0],
                out var floor) ? floor : 32_768;
        }

        static bool Free(int port)
        {
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }
    }
}
