using System.Diagnostics;
using System.Net;
using PromotionEngine.System.Tests.Infrastructure.OpenApi;

namespace PromotionEngine.System.Tests.Infrastructure;

/// <summary>The engine as a real child process (the Host's own build output), so a test can kill it outright.</summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private HostProcess(Process process, int port, int managementPort)
    {
        _process = process;
        Port = port;
        ManagementPort = managementPort;
    }

    public int Port { get; }

    /// <summary>Metrics and health answer here only (Telemetry:ManagementUrl), as in production.</summary>
    public int ManagementPort { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    public Uri ManagementAddress => new($"http://127.0.0.1:{ManagementPort}");

    /// <summary>A client of the public port whose every answer is checked against the OpenAPI document (<see cref="ValidatingHandler"/>).</summary>
    public HttpClient CreateClient(TimeSpan? timeout = null) =>
        new(ValidatingHandler.OverSockets()) { BaseAddress = BaseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(100) };

    /// <summary>A client of the management port (health and metrics: not the API, so nothing there is checked against the document).</summary>
    public HttpClient CreateManagementClient(TimeSpan? timeout = null) =>
        new(ValidatingHandler.OverSockets()) { BaseAddress = ManagementAddress, Timeout = timeout ?? TimeSpan.FromSeconds(100) };

    /// <summary>What the Host wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output) return string.Join('\n', _output);
        }
    }

    /// <summary>
    /// Starts the Host with these settings (as --Key=value arguments), in the Production environment unless
    /// <paramref name="environment"/> says otherwise.
    /// </summary>
    public static async Task<HostProcess> StartAsync(
        IReadOnlyDictionary<string, string> settings, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var port = FreePorts.Next();
        var managementPort = FreePorts.Next();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        HostCommand.Isolate(info, environment);
        info.ArgumentList.Add(HostDll());
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        info.ArgumentList.Add($"--Telemetry:ManagementUrl=http://127.0.0.1:{managementPort}");
        foreach (var (key, value) in settings) info.ArgumentList.Add($"--{key}={value}");
        var process = Process.Start(info) ?? throw new InvalidOperationException("The Host did not start.");
        var host = new HostProcess(process, port, managementPort);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (host._output) host._output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (host._output) host._output.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await host.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            await host.DisposeAsync(); // a Host that never served is not left running after the test
            throw;
        }
        return host;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, whatever was in flight is lost.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    /// <summary>Until /health/live answers 200 (serving: a dependency may be away on purpose); a Host that exits stops the wait.</summary>
    private async Task WaitUntilHealthyAsync(TimeSpan patience)
    {
        using var client = CreateManagementClient(TimeSpan.FromSeconds(2));
        try
        {
            await Eventually(async () =>
            {
                if (_process.HasExited)
                    throw new InvalidOperationException($"The Host exited with {_process.ExitCode} before it served on port {Port}.");
                try
                {
                    return (HttpStatusCode?)(await client.GetAsync("/health/live")).StatusCode;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return null; // not listening yet
                }
            }, status => status == HttpStatusCode.OK, patience, $"the Host to serve on port {Port}", every: TimeSpan.FromMilliseconds(100));
        }
        catch (Exception e)
        {
            string log;
            lock (_output) log = string.Join('\n', _output.TakeLast(40));
            throw new InvalidOperationException($"The Host did not become healthy on port {Port}:\n{log}", e);
        }
    }

    /// <summary>The Host's build output beside this test's (same configuration and framework).</summary>
    internal static string HostDll()
    {
        var bin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = bin.Name;
        var configuration = bin.Parent!.Name;
        var dll = Repository.PathOf("src", "Host", "bin", configuration, framework, "PromotionEngine.Host.dll");
        return File.Exists(dll) ? dll : throw new InvalidOperationException($"The Host is not built at {dll}.");
    }
}
