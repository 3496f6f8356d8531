using System.Text.RegularExpressions;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Observability;

/// <summary>
/// deploy/prometheus passes promtool (check rules, check config) and its own unit tests (promtool test rules), run by the
/// project's script (scripts/prometheus.sh, which installs Debian's prometheus package for promtool the first time); every
/// alert carries what an operator needs and is tested both firing and staying quiet.
/// </summary>
public sealed partial class AlertRules
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5); // the first run installs promtool with apt

    private static readonly string[] Severities = ["critical", "warning", "info"];

    [GeneratedRegex(@"^promtool: (\d+) test files, (\d+) failed$", RegexOptions.Multiline)]
    private static partial Regex Totals();

    [Fact]
    public async Task Promtool_finds_the_rules_and_the_scrape_config_valid()
    {
        var (exitCode, output) = (await Scripts.RunAsync(Patience, "scripts/prometheus.sh", "check")).Outcome();

        Assert.True(exitCode == 0, $"scripts/prometheus.sh check failed (exit code {exitCode}):\n{output}");
        Assert.Contains($"SUCCESS: {PrometheusRules.All.Count} rules found", output);
    }

    [Fact]
    public async Task The_rules_unit_tests_pass_under_promtool()
    {
        var (exitCode, output) = (await Scripts.RunAsync(Patience, "scripts/prometheus.sh", "test")).Outcome();

        var totals = Totals().Match(output);
        Assert.True(totals.Success, $"promtool did not run (exit code {exitCode}):\n{output}");
        Assert.Equal(PrometheusRules.TestFiles.Count.ToString(), totals.Groups[1].Value);
        Assert.True(exitCode == 0 && totals.Groups[2].Value == "0", $"promtool test rules failed:\n{output}");
    }

    [Fact]
    public void Every_alert_has_a_severity_a_summary_a_description_and_a_runbook_section()
    {
        var operations = File.ReadAllText(Repository.PathOf("docs", "operations.md"));
        var alerts = PrometheusRules.All.Where(r => r.Alert is not null).ToList();

        Assert.NotEmpty(alerts);
        Assert.All(alerts, alert =>
        {
            Assert.Contains(alert.Labels.GetValueOrDefault("severity"), Severities);
            Assert.False(string.IsNullOrWhiteSpace(alert.Annotations.GetValueOrDefault("summary")), alert.Alert);
            Assert.False(string.IsNullOrWhiteSpace(alert.Annotations.GetValueOrDefault("description")), alert.Alert);
            // A GitHub-style anchor: the alert's own "### <AlertName>" heading under "## Alerts".
            Assert.Equal("docs/operations.md#" + alert.Alert!.ToLowerInvariant(), alert.Annotations.GetValueOrDefault("runbook_url"));
            Assert.Contains($"\n### {alert.Alert}\n", operations);
        });
        var section = operations[operations.IndexOf("\n## Alerts\n", StringComparison.Ordinal)..];
        section = section[..(section.IndexOf("\n## ", 5, StringComparison.Ordinal) is var end and > 0 ? end : section.Length)];
        Assert.All(alerts, alert => Assert.Contains($"\n### {alert.Alert}\n", section));
    }

    [Fact]
    public void Every_alert_is_unit_tested_firing_and_staying_quiet()
    {
        var cases = PrometheusRules.AlertCases;

        Assert.All(PrometheusRules.All.Where(r => r.Alert is not null), alert =>
        {
            Assert.Contains(cases, c => c.Alert == alert.Alert && c.Fires);
            Assert.Contains(cases, c => c.Alert == alert.Alert && !c.Fires);
        });
    }
}
