using System.Text.RegularExpressions;

namespace PromotionEngine.System.Tests.Observability;

/// <summary>
/// The engine's business metrics as Prometheus scrapes them from the management port, after every path they count has run
/// (<see cref="ExercisedApp"/>): each appears with its labels, and no label value is an id (labels are bounded sets).
/// </summary>
[Collection(nameof(ExercisedApp))]
public sealed partial class BusinessMetrics(ExercisedApp app)
{
    /// <summary>name{labels} value: the labels of one sample line.</summary>
    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\{(?<labels>.*)\} ")]
    private static partial Regex Sample();

    [GeneratedRegex("(?<label>[a-zA-Z_][a-zA-Z0-9_]*)=\"(?<value>(?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex LabelPair();

    [GeneratedRegex(@"\d{6,}")]
    private static partial Regex SixDigits();

    [Fact]
    public async Task Every_business_metric_is_scraped_with_its_labels()
    {
        var scrape = await app.ScrapeAsync();

        Assert.Empty(ExercisedApp.Missing(scrape));
        Assert.Contains("# TYPE promotion_claim_duration_seconds histogram", scrape);
        // The claim latency's explicit buckets, for millisecond-level latencies.
        var buckets = ExercisedApp.Series(scrape, "promotion_claim_duration_seconds_bucket").ToList();
        Assert.Contains(buckets, line => line.Contains("le=\"0.001\"", StringComparison.Ordinal));
        Assert.Contains(buckets, line => line.Contains("le=\"0.025\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_label_value_of_the_engine_s_metrics_looks_like_an_id()
    {
        var scrape = await app.ScrapeAsync();

        var offending = scrape.Split('\n')
            .Select(line => Sample().Match(line))
            .Where(m => m.Success && m.Groups["name"].Value != "target_info") // the resource (host, process), not a metric's labels
            .SelectMany(m => LabelPair().Matches(m.Groups["labels"].Value)
                .Where(pair => pair.Groups["label"].Value != "le" && SixDigits().IsMatch(pair.Groups["value"].Value))
                .Select(pair => $"{m.Groups["name"].Value}: {pair.Value}"))
            .Distinct()
            .ToList();

        Assert.True(offending.Count == 0, "Label values that look like ids:\n" + string.Join('\n', offending));
        Assert.Contains("promotion_claims_total{", scrape); // the check above saw the business metrics
    }
}
