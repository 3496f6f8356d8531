using System.Text.Json;
using System.Text.RegularExpressions;

namespace PromotionEngine.Kernel.Tests;

/// <summary>
/// The catalogue of answered codes (<see cref="ErrorCodes"/>) and docs/errors.md list the same codes with the same statuses,
/// and each code's example problem uses only the members the OpenAPI document's problem schema declares.
/// </summary>
public partial class TheErrorCatalogue
{
    /// <summary>The rows of docs/errors.md's answer tables: `CODE` | status | … (the saga's and the reasons' tables have no status).</summary>
    [GeneratedRegex(@"^\| `(?<code>[A-Z][A-Z0-9_]+)` \| (?<status>[1-5][0-9]{2}) \|", RegexOptions.Multiline)]
    private static partial Regex AnsweredRow();

    private static readonly Lazy<List<(string Code, int Status)>> Documented = new(() =>
        AnsweredRow().Matches(File.ReadAllText(Path.Combine(Root(), "docs", "errors.md")))
            .Select(m => (m.Groups["code"].Value, int.Parse(m.Groups["status"].Value, System.Globalization.CultureInfo.InvariantCulture)))
            .ToList());

    [Fact]
    public void Every_code_in_the_catalogue_is_documented_with_its_status()
    {
        var missing = ErrorCodes.All.Where(c => !Documented.Value.Contains((c.Code, c.Status))).Select(c => $"{c.Code} {c.Status}").ToList();
        Assert.True(missing.Count == 0, "Not in docs/errors.md with this status: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_code_docs_errors_lists_as_an_answer_is_in_the_catalogue_with_the_same_status()
    {
        var catalogue = ErrorCodes.All.Select(c => (c.Code, c.Status)).ToHashSet();
        var missing = Documented.Value.Where(d => !catalogue.Contains(d)).Select(d => $"{d.Code} {d.Status}").Distinct().ToList();
        Assert.NotEmpty(Documented.Value);
        Assert.True(missing.Count == 0, "In docs/errors.md but not in the catalogue (or with another status): " + string.Join(", ", missing));
    }

    [Fact]
    public void Each_code_is_listed_once_in_upper_snake_case_with_an_error_status()
    {
        Assert.Equal(ErrorCodes.All.Count, ErrorCodes.All.Select(c => c.Code).Distinct().Count());
        Assert.All(ErrorCodes.All, c =>
        {
            Assert.Matches("^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$", c.Code);
            Assert.InRange(c.Status, 400, 599);
            Assert.False(string.IsNullOrWhiteSpace(c.Meaning));
        });
    }

    [Fact]
    public void A_codes_example_names_only_members_of_the_problem_schema()
    {
        var members = ProblemMembers.All.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        Assert.All(ErrorCodes.All.Where(c => c.Example is not null), c =>
        {
            using var example = JsonDocument.Parse(c.Example!);
            Assert.Equal(JsonValueKind.Object, example.RootElement.ValueKind);
            var unknown = example.RootElement.EnumerateObject().Select(p => p.Name).Where(n => !members.Contains(n)).ToList();
            Assert.True(unknown.Count == 0, $"{c.Code}'s example has members the problem schema lacks: {string.Join(", ", unknown)}");
        });
    }

    [Fact]
    public void Each_problem_member_is_named_once_and_has_a_json_schema()
    {
        Assert.Equal(ProblemMembers.All.Count(), ProblemMembers.All.Select(m => m.Name).Distinct().Count());
        Assert.All(ProblemMembers.All, m =>
        {
            using var schema = JsonDocument.Parse(m.Schema);
            Assert.True(schema.RootElement.TryGetProperty("type", out _), $"{m.Name}'s schema has no type");
        });
    }

    [Fact]
    public void A_code_not_in_the_catalogue_is_a_bug_not_a_refusal() =>
        Assert.Throws<ArgumentException>(() => ErrorCodes.Named("NOT_A_CODE_OF_OURS"));

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PromotionEngine.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"No PromotionEngine.slnx above {AppContext.BaseDirectory}.");
    }
}
