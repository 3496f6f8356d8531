using System.Text.RegularExpressions;
using PromotionEngine.System.Tests.Infrastructure;
using PromotionEngine.System.Tests.Infrastructure.OpenApi;

namespace PromotionEngine.System.Tests.OpenApi;

/// <summary>
/// docs/openapi/v1.json passes Spectral 6 (spectral:oas) and Redocly CLI 2 (recommended) with no error, linted by the
/// project's own script at the pinned versions (scripts/openapi.sh lint, which installs them the first time). Warnings
/// are shown, not fatal. With PROMO_OPENAPI_VALIDATION=record the counts are only written down
/// (TestResults/openapi-lint.txt), like the answers' violations.
/// </summary>
public sealed partial class DocumentLint
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5); // the first run installs the linters with npm

    [GeneratedRegex(@"^(spectral|redocly): (\d+) errors, (\d+) warnings$", RegexOptions.Multiline)]
    private static partial Regex Totals();

    [Fact]
    public async Task Spectral_and_Redocly_find_no_error_in_the_committed_document()
    {
        var (exitCode, output) = (await Scripts.RunAsync(Patience, "scripts/openapi.sh", "lint")).Outcome();
        var totals = Totals().Matches(output).ToDictionary(
            m => m.Groups[1].Value,
            m => (Errors: int.Parse(m.Groups[2].Value), Warnings: int.Parse(m.Groups[3].Value)));
        Assert.True(totals.ContainsKey("spectral") && totals.ContainsKey("redocly"), $"The linters did not run (exit code {exitCode}):\n{output}");

        var report = Repository.PathOf("TestResults", "openapi-lint.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(report)!);
        await File.WriteAllTextAsync(report, output);
        if (ValidationReport.ModeFromEnvironment() == ValidationMode.Record) return;

        var errors = output.Split('\n').Where(line => line.Contains(" error ", StringComparison.Ordinal)).Take(40);
        Assert.True(exitCode == 0 && totals.Values.All(t => t.Errors == 0),
            $"docs/openapi/v1.json has lint errors (spectral {totals["spectral"].Errors}, redocly {totals["redocly"].Errors}; " +
            $"`scripts/openapi.sh lint` lists them):\n{string.Join('\n', errors)}");
    }
}
