using System.Collections.Concurrent;
using System.Text;

namespace PromotionEngine.System.Tests.Infrastructure.OpenApi;

/// <summary>What a violation does: fail the request that got it (enforce, the default), or only be counted (record).</summary>
public enum ValidationMode
{
    Enforce,
    Record,
}

/// <summary>
/// Counts every answer the system tests checked against the document and every violation, by operation, status and
/// kind; the suite's report is written when the test process ends, to TestResults/openapi-violations.txt (or the file
/// PROMO_OPENAPI_REPORT names), in either mode.
/// </summary>
public sealed class ValidationReport
{
    public const string ModeVariable = "PROMO_OPENAPI_VALIDATION";
    public const string ReportVariable = "PROMO_OPENAPI_REPORT";

    private static readonly Lazy<ValidationReport> SuiteReport = new(() =>
    {
        var mode = ModeFromEnvironment(); // a mode it does not know fails the first client made, before anything is registered
        var report = new ValidationReport();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => report.Write(ReportFile(), mode);
        return report;
    });

    private readonly ConcurrentDictionary<(string Operation, int Status, string Kind), Tally> _violations = new();
    private long _checked;
    private long _notTheApi;
    private long _outsideTheDocument;

    /// <summary>The report of the whole suite (every handler made with the default constructor adds to it).</summary>
    public static ValidationReport Suite => SuiteReport.Value;

    public long Checked => Interlocked.Read(ref _checked);
    public long NotTheApi => Interlocked.Read(ref _notTheApi);
    public long Violations => _violations.Values.Sum(t => t.Count);

    /// <summary>PROMO_OPENAPI_VALIDATION: unset or <c>enforce</c>, or <c>record</c>; anything else is refused, not guessed at.</summary>
    public static ValidationMode ModeFromEnvironment() => ModeFrom(Environment.GetEnvironmentVariable(ModeVariable));

    public static ValidationMode ModeFrom(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "enforce" => ValidationMode.Enforce,
        "record" => ValidationMode.Record,
        var other => throw new InvalidOperationException($"{ModeVariable}={other}: use enforce (the default) or record."),
    };

    public static string ReportFile() =>
        Environment.GetEnvironmentVariable(ReportVariable) is { Length: > 0 } file
            ? file
            : Repository.PathOf("TestResults", "openapi-violations.txt");

    public void Add(Verdict verdict, string example)
    {
        Interlocked.Increment(ref _checked);
        if (verdict.Operation.StartsWith('(')) Interlocked.Increment(ref _outsideTheDocument);
        if (verdict.Conforms) return;
        var tally = _violations.GetOrAdd((verdict.Operation, verdict.Status, verdict.Kind!), _ => new Tally(example));
        Interlocked.Increment(ref tally.Count);
    }

    public void AddNotTheApi() => Interlocked.Increment(ref _notTheApi);

    public string Render(ValidationMode mode)
    {
        var violations = _violations
            .OrderBy(v => v.Key.Operation, StringComparer.Ordinal)
            .ThenBy(v => v.Key.Status)
            .ThenBy(v => v.Key.Kind, StringComparer.Ordinal)
            .ToList();
        var kinds = violations.GroupBy(v => v.Key.Kind)
            .Select(g => (Kind: g.Key, Count: g.Sum(v => v.Value.Count)))
            .OrderByDescending(k => k.Count)
            .ThenBy(k => k.Kind, StringComparer.Ordinal);
        var text = new StringBuilder();
        void Line(string line) => text.Append(line).Append('\n');
        Line($"OpenAPI validation of the system tests' answers against docs/openapi/v1.json ({ModeVariable}={mode.ToString().ToLowerInvariant()})");
        Line($"answers checked: {Checked} " +
            $"({Interlocked.Read(ref _outsideTheDocument)} of them 404/405 to a path or method the document does not have)");
        Line($"answers not checked (not the API: health, metrics, the document, its UI, ping; routes a role split does not serve here): {NotTheApi}");
        Line($"violations: {Violations} in {violations.Select(v => v.Key.Operation).Distinct().Count()} operations");
        Line("");
        Line("by kind:");
        foreach (var (kind, count) in kinds) Line($"  {count,7}  {kind}");
        Line("");
        Line("by operation, status and kind (count, then the first one seen):");
        foreach (var (key, tally) in violations) Line($"  {tally.Count,7}  {key.Operation} {key.Status} {key.Kind}: {tally.Example}");
        return text.ToString();
    }

    public void Write(string file, ValidationMode mode)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, Render(mode));
    }

    private sealed class Tally(string example)
    {
        public long Count;

        public string Example { get; } = example;
    }
}
