namespace PromotionEngine.System.Tests.Infrastructure;

/// <summary>Finds a server binary the service script installs (Debian puts some in sbin, outside a plain PATH).</summary>
public static class Binaries
{
    public static string Find(string name, string service)
    {
        var folders = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"]);
        return folders.Select(f => Path.Combine(f, name)).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                $"{name} is not installed: run `scripts/services.sh start {service}` (the README's test command does).");
    }
}
