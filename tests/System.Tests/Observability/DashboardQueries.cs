using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Observability;

/// <summary>
/// deploy/grafana's dashboards query the Prometheus datasource, and every metric they and the Prometheus rules name is one the
/// app really exports: compared with a live scrape of an app that has run every path (<see cref="ExercisedApp"/>). Recording
/// rules' names count as exported (the rules define them), and so does Prometheus's own <c>up</c>.
/// </summary>
[Collection(nameof(ExercisedApp))]
public sealed class DashboardQueries(ExercisedApp app)
{
    private static readonly string[] Dashboards = ["flash-sale", "checkout-settlement", "distribution", "event-backbone"];

    private static IEnumerable<(string Dashboard, string Panel, string Expr)> Queries() =>
        Directory.GetFiles(Repository.PathOf("deploy", "grafana"), "*.json").Order(StringComparer.Ordinal).SelectMany(file =>
            JsonNode.Parse(File.ReadAllText(file))!["panels"]!.AsArray().SelectMany(panel => panel!["targets"]!.AsArray()
                .Select(target => (Path.GetFileNameWithoutExtension(file), (string)panel["title"]!, (string)target!["expr"]!))));

    [Fact]
    public void The_four_dashboards_query_the_Prometheus_datasource_only()
    {
        var files = Directory.GetFiles(Repository.PathOf("deploy", "grafana"), "*.json").Select(Path.GetFileNameWithoutExtension).Order();

        Assert.Equal(Dashboards.Order(), files);
        foreach (var name in Dashboards)
        {
            var dashboard = JsonNode.Parse(File.ReadAllText(Repository.PathOf("deploy", "grafana", name + ".json")))!;
            var panels = dashboard["panels"]!.AsArray();
            Assert.NotEmpty(panels);
            Assert.All(panels, p => Assert.Equal("prometheus", (string)p!["datasource"]!["type"]!));
            Assert.All(panels, p => Assert.NotEmpty(p!["targets"]!.AsArray()));
            Assert.Contains(
                dashboard["templating"]!["list"]!.AsArray(), v => (string)v!["type"]! == "datasource" && (string)v["query"]! == "prometheus");
        }
    }

    [Fact]
    public async Task Every_dashboard_and_rule_expression_names_only_metrics_the_app_exports()
    {
        var scraped = PromQl.ScrapedNames(await app.ScrapeAsync());
        var rules = PrometheusRules.All;
        var known = scraped.Concat(rules.Where(r => r.Record is not null).Select(r => r.Record!)).Append("up").ToHashSet(StringComparer.Ordinal);

        var read = Queries().Select(q => ($"{q.Dashboard} / {q.Panel}", q.Expr))
            .Concat(rules.Select(r => ($"rule {r.Record ?? r.Alert}", r.Expr)))
            .SelectMany(q => PromQl.MetricNames(q.Item2).Select(name => (Where: q.Item1, Name: name)))
            .ToList();
        var unknown = read.Where(r => !known.Contains(r.Name)).Select(r => $"{r.Where}: {r.Name}").Distinct().ToList();

        Assert.True(unknown.Count == 0, "Queries name metrics the app does not export:\n" + string.Join('\n', unknown));
        Assert.All(Dashboards, d => Assert.Contains(read, r => r.Where.StartsWith(d + " / ", StringComparison.Ordinal)));
        Assert.Contains(read, r => r.Name == "promotion_claim_duration_seconds_bucket");
    }

    [Fact]
    public void The_name_reader_finds_the_metrics_an_expression_reads_and_nothing_else()
    {
        var names = PromQl.MetricNames(
            "histogram_quantile(0.99, sum by (le) (rate(a_bucket{x=\"y\", instance=~\"$instance\"}[$__rate_interval]))) " +
            "/ on () (sum without (x) (b_total) or vector(0)) and c:ratio offset 5m > bool 0.5");

        Assert.Equal(["a_bucket", "b_total", "c:ratio"], names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Every_dashboard_expression_parses_under_promtool()
    {
        // Each query as a recording rule, Grafana's variables given values, checked by promtool check rules.
        var rules = Queries().Select((q, i) => new JsonObject
        {
            ["record"] = $"dashboard:query:{i}",
            ["expr"] = q.Expr.Replace("$__rate_interval", "5m", StringComparison.Ordinal).Replace("$instance", ".*", StringComparison.Ordinal),
        }).ToArray<JsonNode?>();
        var file = Path.Combine(Path.GetTempPath(), $"promo-dashboards-{Guid.NewGuid():N}.yml");
        await File.WriteAllTextAsync(file, new JsonObject
        {
            ["groups"] = new JsonArray(new JsonObject { ["name"] = "dashboards", ["rules"] = new JsonArray(rules) }),
        }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        try
        {
            var (installed, installOutput) = await RunAsync("bash", "scripts/prometheus.sh", "install");
            Assert.True(installed == 0, installOutput);
            var (exitCode, output) = await RunAsync("promtool", "check", "rules", file);
            Assert.True(exitCode == 0, $"promtool check rules refused a dashboard query:\n{output}");
            Assert.Contains($"SUCCESS: {rules.Length} rules found", output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Repository.Root,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info) ?? throw new InvalidOperationException(program + " did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5)); // the first run installs promtool with apt
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }
}
