using System.Diagnostics;
using PromotionEngine.System.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PromotionEngine.System.Tests.Observability;

/// <summary>
/// The Prometheus scripts/cluster.sh starts beside the split deployment, scraping every instance's management port with the
/// rules of deploy/prometheus loaded as they are: an engine instance SIGKILLed raises PromotionInstanceDown for exactly that
/// instance once the rule's `for:` has passed, and the alert is resolved once the script has restarted it.
/// </summary>
[Trait("Category", "Slow")] // a whole deployment of seven processes, and the rule's for: 1m
public sealed class ClusterAlerts(ITestOutputHelper output)
{
    private const string Alert = "PromotionInstanceDown";

    [Fact]
    public async Task An_engine_instance_killed_fires_PromotionInstanceDown_for_it_alone_and_its_restart_resolves_it()
    {
        await using var cluster = await Cluster.StartAsync();
        using var prometheus = new PrometheusApi(cluster.Prometheus);
        var instances = await cluster.ManagementAddressesAsync();
        Assert.Equal(6, instances.Count);
        var killed = instances["engine-1"];

        var targets = await Eventually(prometheus.TargetsAsync,
            seen => seen.All(t => t.Health == "up") && seen.Select(t => t.Instance).Order().SequenceEqual(instances.Values.Order()),
            Seconds(60), "Prometheus to scrape every instance's management port and find each up", every: Seconds(0.5));
        Assert.All(targets, t => Assert.Equal("promotion-engine", t.Labels["job"]));
        Assert.Equal("engine", targets.Single(t => t.Instance == killed).Labels["role"]);
        Assert.DoesNotContain(await prometheus.AlertsAsync(), a => a.Name == Alert && a.Firing);

        var sinceKill = Stopwatch.StartNew();
        await cluster.KillAsync("engine-1");
        var alerts = await Eventually(prometheus.AlertsAsync, seen => seen.Any(a => a.Name == Alert && a.Firing),
            Seconds(180), $"{Alert} to fire after engine-1 ({killed}) was killed", every: Seconds(1));
        var firedAfter = sinceKill.Elapsed;

        var firing = alerts.Where(a => a.Name == Alert && a.Firing).ToList();
        Assert.Equal([killed], firing.Select(a => a.Instance));
        Assert.Equal(("critical", "engine"), (firing[0].Labels["severity"], firing[0].Labels["role"]));
        Assert.Contains(killed, firing[0].Annotations["summary"], StringComparison.Ordinal);

        await cluster.UpAsync(); // restarts what is not running: engine-1, on the same ports
        var sinceRestart = Stopwatch.StartNew();
        await Eventually(prometheus.AlertsAsync, seen => !seen.Any(a => a.Name == Alert),
            Seconds(60), $"{Alert} to be resolved once engine-1 was restarted", every: Seconds(1));
        var rule = PrometheusRules.All.Single(r => r.Alert == Alert);
        output.WriteLine($"{Alert} fired for {killed} {firedAfter.TotalSeconds:0.0} s after the SIGKILL (the rule's for: {rule.For}); " +
            $"resolved {sinceRestart.Elapsed.TotalSeconds:0.0} s after cluster.sh up had engine-1 ready again");
    }
}
