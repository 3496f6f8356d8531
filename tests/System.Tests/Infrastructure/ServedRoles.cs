using System.Text.Json;

namespace PromotionEngine.System.Tests.Infrastructure;

/// <summary>What the built Host's `roles --json` says each role serves.</summary>
public sealed record ServedRoles(IReadOnlyList<ServedRole> Roles)
{
    public ServedRole this[string role] => Roles.Single(r => r.Role == role);

    /// <summary>Runs `roles --json` with these settings (as --Key=value) and reads its answer.</summary>
    public static async Task<ServedRoles> ReadAsync(IReadOnlyDictionary<string, string>? settings = null, string? workingDirectory = null)
    {
        var run = await HostCommand.RunAsync(
            ["roles", "--json", .. (settings ?? new Dictionary<string, string>()).Select(s => $"--{s.Key}={s.Value}")],
            workingDirectory: workingDirectory);
        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.Output);
        return new ServedRoles(json.RootElement.GetProperty("roles").EnumerateArray().Select(role => new ServedRole(
            role.GetProperty("role").GetString()!,
            [.. role.GetProperty("endpoints").EnumerateArray()
                .Select(e => (e.GetProperty("method").GetString()!, e.GetProperty("route").GetString()!))],
            [.. role.GetProperty("workers").EnumerateArray().Select(w => w.GetString()!)],
            [.. role.GetProperty("consumers").EnumerateArray().Select(c => c.GetProperty("consumer").GetString()!).Distinct()])).ToList());
    }
}

/// <summary>One role: its public endpoints (method, route pattern), hosted services and event consumers.</summary>
public sealed record ServedRole(string Role, IReadOnlyList<(string Method, string Route)> Endpoints, IReadOnlyList<string> Workers,
    IReadOnlyList<string> Consumers);
