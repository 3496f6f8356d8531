using System.Diagnostics;

namespace PromotionEngine.System.Tests.Infrastructure;

/// <summary>One run of the built Host (a command such as `token` or `migrate`, or a server expected to refuse to start): exit code and output.</summary>
public sealed record HostCommand(int ExitCode, string Output, string Error)
{
    /// <summary>The lines written to stderr, blank ones left out.</summary>
    public IReadOnlyList<string> ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Runs the Host with these arguments and waits for it to exit (a server that does not exit within <paramref name="patience"/> is killed and fails the test).</summary>
    public static async Task<HostCommand> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null, TimeSpan? patience = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        Isolate(info, environment);
        info.ArgumentList.Add(HostProcess.HostDll());
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("The Host did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(patience ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"The Host ({string.Join(' ', info.ArgumentList.Skip(1))}) was still running after" +
                $" {(patience ?? TimeSpan.FromSeconds(60)).TotalSeconds} s:\n{await error}");
        }
        return new HostCommand(process.ExitCode, await output, await error);
    }

    /// <summary>
    /// The child sees none of the test run's own ASP.NET Core / .NET settings (the environment name above all),
    /// nor any Promotion__* variable, only those given.
    /// </summary>
    internal static void Isolate(ProcessStartInfo info, IReadOnlyDictionary<string, string>? environment)
    {
        foreach (var name in info.Environment.Keys.ToList())
            if (name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("Promotion__", StringComparison.OrdinalIgnoreCase))
                info.Environment.Remove(name);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
    }
}
