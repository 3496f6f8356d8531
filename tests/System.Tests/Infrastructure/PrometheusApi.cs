using System.Net.Http.Json;
using System.Text.Json;

namespace PromotionEngine.System.Tests.Infrastructure;

/// <summary>A Prometheus server's HTTP API, read by a test: its scrape targets and its active alerts.</summary>
public sealed class PrometheusApi(Uri server) : IDisposable
{
    private readonly HttpClient _client = new() { BaseAddress = server, Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>One active scrape target: its labels (job, instance, role…) and its last scrape's health (up, down, unknown).</summary>
    public sealed record Target(IReadOnlyDictionary<string, string> Labels, string Health)
    {
        public string Instance => Labels.GetValueOrDefault("instance", "");

        public override string ToString() => $"{Instance} {Health} ({string.Join(", ", Labels.Select(l => $"{l.Key}={l.Value}"))})";
    }

    /// <summary>One alert Prometheus holds: pending (its expression holds, not yet for its `for:`) or firing.</summary>
    public sealed record Alert(IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations, string State)
    {
        public string Name => Labels.GetValueOrDefault("alertname", "");

        public string Instance => Labels.GetValueOrDefault("instance", "");

        public bool Firing => State == "firing";

        public override string ToString() => $"{Name} {State} ({string.Join(", ", Labels.Select(l => $"{l.Key}={l.Value}"))})";
    }

    /// <summary>GET /api/v1/targets: the active targets.</summary>
    public async Task<IReadOnlyList<Target>> TargetsAsync()
    {
        var data = await DataAsync("/api/v1/targets?state=active");
        return data.GetProperty("activeTargets").EnumerateArray()
            .Select(t => new Target(Strings(t.GetProperty("labels")), t.GetProperty("health").GetString()!)).ToList();
    }

    /// <summary>GET /api/v1/alerts: every pending and firing alert (a resolved one is no longer listed).</summary>
    public async Task<IReadOnlyList<Alert>> AlertsAsync()
    {
        var data = await DataAsync("/api/v1/alerts");
        return data.GetProperty("alerts").EnumerateArray()
            .Select(a => new Alert(Strings(a.GetProperty("labels")), Strings(a.GetProperty("annotations")), a.GetProperty("state").GetString()!))
            .ToList();
    }

    private async Task<JsonElement> DataAsync(string path)
    {
        var answer = await _client.GetFromJsonAsync<JsonElement>(path);
        Assert.Equal("success", answer.GetProperty("status").GetString());
        return answer.GetProperty("data");
    }

    private static Dictionary<string, string> Strings(JsonElement map) =>
        map.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");

    public void Dispose() => _client.Dispose();
}
