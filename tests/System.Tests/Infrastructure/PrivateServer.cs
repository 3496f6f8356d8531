using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PromotionEngine.System.Tests.Infrastructure;

/// <summary>
/// A server process of the test's own (a Debian binary the service script installs) on a free port, so a test
/// can stop and restart it without touching the server other tests share.
/// </summary>
public abstract class PrivateServer : IAsyncDisposable
{
    private Process? _process;

    public int Port { get; } = FreePorts.Next();

    /// <summary>The binary and the service that installs it (for the message when it is missing).</summary>
    protected abstract (string Binary, string Service) Program { get; }

    protected abstract string Arguments { get; }

    /// <summary>Returns once the server answers.</summary>
    protected abstract Task WaitUntilReadyAsync();

    public async Task StartAgainAsync()
    {
        var binary = Binaries.Find(Program.Binary, Program.Service);
        _process = Process.Start(new ProcessStartInfo(binary, Arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException($"{Program.Binary} did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilReadyAsync();
    }

    /// <summary>Kills the server outright, as a crash would.</summary>
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
        CleanUp();
        GC.SuppressFinalize(this);
    }

    /// <summary>What a server leaves besides its process (its files), removed after it stopped.</summary>
    protected virtual void CleanUp() { }
}

public static class FreePorts
{
    /// <summary>A TCP port nothing listens on right now.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
