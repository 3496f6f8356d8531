using System.Diagnostics;
using System.Globalization;

namespace PromotionEngine.ClearingBench;

/// <summary>
/// CPU time (user + system) spent by this process and by the ClickHouse server (found by its process name in /proc) across a
/// phase: on a shared machine the wall clock moves with everyone else's load, the CPU a phase costs much less.
/// </summary>
internal sealed class CpuMeter
{
    private static readonly int? ServerPid = FindServer();
    private readonly TimeSpan _ownStart = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly TimeSpan _serverStart = ServerCpu();

    public static CpuMeter Start() => new();

    /// <summary>Seconds of CPU since the start: this process's (DuckDB runs in it) and the server's.</summary>
    public (double Own, double Server) Stop() =>
        ((Process.GetCurrentProcess().TotalProcessorTime - _ownStart).TotalSeconds, (ServerCpu() - _serverStart).TotalSeconds);

    private static TimeSpan ServerCpu()
    {
        if (ServerPid is not { } pid) return TimeSpan.Zero;
        // /proc/<pid>/stat: fields 14 and 15 (utime, stime) in clock ticks, after the command name in parentheses.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ is 100 on Linux
    }

    private static int? FindServer()
    {
        if (!OperatingSystem.IsLinux()) return null;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "comm")).Trim().StartsWith("clickhouse-serv", StringComparison.Ordinal)) return pid;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return null;
    }
}
