using PromotionEngine.System.Tests.Infrastructure;
using YamlDotNet.Serialization;

namespace PromotionEngine.System.Tests.Observability;

/// <summary>deploy/prometheus as data: the rule groups' recording rules and alerts, and the promtool unit tests' alert cases.</summary>
public static class PrometheusRules
{
    public sealed record Rule(string? Record, string? Alert, string Expr, IReadOnlyDictionary<string, string> Labels,
        IReadOnlyDictionary<string, string> Annotations, string? For);

    /// <summary>One alert_rule_test case: the alert and whether it expects it to fire.</summary>
    public sealed record AlertCase(string File, string Alert, bool Fires);

    public static IReadOnlyList<string> RuleFiles =>
        Directory.GetFiles(Repository.PathOf("deploy", "prometheus", "rules"), "*.yml").Order(StringComparer.Ordinal).ToList();

    public static IReadOnlyList<string> TestFiles =>
        Directory.GetFiles(Repository.PathOf("deploy", "prometheus", "tests"), "*.yml").Order(StringComparer.Ordinal).ToList();

    public static IReadOnlyList<Rule> All => RuleFiles.SelectMany(file =>
        List(Read(file)["groups"]).SelectMany(group => List(Map(group)["rules"])).Select(r =>
        {
            var rule = Map(r);
            return new Rule(Text(rule, "record"), Text(rule, "alert"), Text(rule, "expr") ?? "",
                Strings(rule.GetValueOrDefault("labels")), Strings(rule.GetValueOrDefault("annotations")), Text(rule, "for"));
        })).ToList();

    public static IReadOnlyList<AlertCase> AlertCases => TestFiles.SelectMany(file =>
        List(Read(file)["tests"]).SelectMany(test => List(Map(test).GetValueOrDefault("alert_rule_test")))
            .Select(c => Map(c))
            .Select(c => new AlertCase(Path.GetFileName(file), Text(c, "alertname")!, List(c.GetValueOrDefault("exp_alerts")).Count > 0)))
        .ToList();

    private static Dictionary<object, object> Read(string file) =>
        new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(File.ReadAllText(file));

    private static Dictionary<object, object> Map(object? node) => node as Dictionary<object, object> ?? [];

    private static List<object> List(object? node) => node as List<object> ?? [];

    private static string? Text(Dictionary<object, object> node, string key) => node.GetValueOrDefault(key) as string;

    private static Dictionary<string, string> Strings(object? node) =>
        Map(node).ToDictionary(p => (string)p.Key, p => p.Value as string ?? "");
}
