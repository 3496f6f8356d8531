using System.Globalization;
using PromotionEngine.Contracts.Http.Engine;
using PromotionEngine.WebConsole.Viewing;

namespace PromotionEngine.WebConsole.Components.AudiencePages;

/// <summary>The new audience form: a name and, optionally, the rule that picks its members (the API checks the rule's parameters).</summary>
internal sealed class AudienceForm
{
    public string Key { get; set; } = Guid.NewGuid().ToString("N");
    public string? Name { get; set; }
    public string? RuleKind { get; set; }
    public string? TemplateId { get; set; }
    public string? Days { get; set; }
    public string? MinOrders { get; set; }

    public (CreateAudienceRequest? Request, Dictionary<string, string[]> Errors) ToRequest(Texts text)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        int? Int(string field, string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) return null;
            if (int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return n;
            errors[field] = [text["notAWholeNumber"]];
            return null;
        }
        var rule = string.IsNullOrEmpty(RuleKind)
            ? null
            : new AudienceRuleRequest(RuleKind, string.IsNullOrWhiteSpace(TemplateId) ? null : TemplateId.Trim(),
                Int("rule.days", Days), Int("rule.minOrders", MinOrders));
        var request = new CreateAudienceRequest(string.IsNullOrEmpty(Name) ? null : Name, rule);
        return (errors.Count == 0 ? request : null, errors);
    }
}

/// <summary>An audience's size in words: its members, or for a rule that excludes, how many it leaves out.</summary>
internal static class AudienceSize
{
    public static string Describe(AudienceResponse audience, Texts text) => audience.Rule is { Excludes: true }
        ? string.Format(CultureInfo.InvariantCulture, text["audienceExcludes"], Formats.Count(audience.Members))
        : Formats.Count(audience.Members);
}
