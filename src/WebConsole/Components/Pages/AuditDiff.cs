using System.Text.Json;
using PromotionEngine.Contracts.Http.MerchantAdmin;

namespace PromotionEngine.WebConsole.Components.Pages;

/// <summary>An audit entry as a person reads it: the members that changed, each with its value before and after.</summary>
internal static class AuditDiff
{
    internal sealed record Change(string Field, string Before, string After);

    public static IReadOnlyList<Change> Of(TemplateHistoryEntry entry)
    {
        var before = Members(entry.Before);
        var after = Members(entry.After);
        var changes = new List<Change>();
        foreach (var field in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            var was = before.GetValueOrDefault(field, "");
            var now = after.GetValueOrDefault(field, "");
            if (!string.Equals(was, now, StringComparison.Ordinal)) changes.Add(new Change(field, was, now));
        }
        return changes;
    }

    private static Dictionary<string, string> Members(JsonElement? element)
    {
        var members = new Dictionary<string, string>(StringComparer.Ordinal);
        if (element is not { ValueKind: JsonValueKind.Object } e) return members;
        foreach (var member in e.EnumerateObject())
            members[member.Name] = member.Value.ValueKind switch
            {
                JsonValueKind.String => member.Value.GetString() ?? "",
                JsonValueKind.Null => "",
                _ => member.Value.GetRawText(),
            };
        return members;
    }
}
