using System.Text.RegularExpressions;

namespace PromotionEngine.System.Tests.Observability;

/// <summary>The metric names a PromQL expression reads: what is left once strings, label matchers, grouping clauses, ranges,
/// functions, keywords, numbers and Grafana variables are taken out.</summary>
public static partial class PromQl
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool", "inf", "nan",
    };

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\{[^{}]*\}")]
    private static partial Regex Matchers();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)")]
    private static partial Regex Groupings();

    [GeneratedRegex(@"\[[^\[\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"\$\{?\w+\}?")]
    private static partial Regex Variables();

    /// <summary>A whole identifier, and whether a "(" follows it (then it is a function or an aggregation, not a metric).</summary>
    [GeneratedRegex(@"(?<![a-zA-Z0-9_:.])(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<call>\s*\()?")]
    private static partial Regex Identifiers();

    [GeneratedRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*(?=[{ ])", RegexOptions.Multiline)]
    private static partial Regex SampleNames();

    /// <summary>The metric names <paramref name="expr"/> reads (recording rule names included).</summary>
    public static IReadOnlySet<string> MetricNames(string expr)
    {
        var text = Variables().Replace(Strings().Replace(expr, "\"\""), "");
        text = Groupings().Replace(Matchers().Replace(text, " "), " ");
        text = Ranges().Replace(text, " ");
        return Identifiers().Matches(text).Where(m => !m.Groups["call"].Success).Select(m => m.Groups["name"].Value)
            .Where(name => !Keywords.Contains(name.ToLowerInvariant()))
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The names of the samples in a Prometheus text scrape.</summary>
    public static IReadOnlySet<string> ScrapedNames(string scrape) =>
        SampleNames().Matches(scrape).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
}
