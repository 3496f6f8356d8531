using System.Diagnostics;

namespace PromotionEngine.System.Tests.Infrastructure;

/// <summary>What a script of the repository did: its exit code and what it wrote.</summary>
public sealed record ScriptRun(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Both streams, stdout first.</summary>
    public string Output => Stdout + Stderr;

    /// <summary>The exit code and both streams together.</summary>
    public (int ExitCode, string Output) Outcome() => (ExitCode, Output);
}

/// <summary>Runs the repository's scripts (scripts/*.sh) from its root, as CI does.</summary>
public static class Scripts
{
    /// <summary>
    /// <c>bash script args…</c> in the repository root; one that outlasts <paramref name="patience"/> is killed with its children
    /// and the test fails with what it wrote so far.
    /// </summary>
    public static async Task<ScriptRun> RunAsync(TimeSpan patience, string script, params string[] args)
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Repository.Root,
        };
        info.ArgumentList.Add(script);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("bash did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(patience);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException(
                $"{script} {string.Join(' ', args)} was still running after {patience}:\n{await stdout}\n{await stderr}");
        }
        return new ScriptRun(process.ExitCode, await stdout, await stderr);
    }
}
