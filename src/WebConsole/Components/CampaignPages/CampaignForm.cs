using System.Globalization;
using PromotionEngine.Contracts.Http.MerchantAdmin;
using PromotionEngine.WebConsole.Viewing;

namespace PromotionEngine.WebConsole.Components.CampaignPages;

/// <summary>
/// The new campaign form as typed: the budget in the currency's major units, times local to the viewer, the thresholds as
/// percentages separated by commas. As with templates, only what cannot become the API's request is refused here.
/// </summary>
internal sealed class CampaignForm
{
    public static readonly IReadOnlySet<string> Fields = new HashSet<string>(StringComparer.Ordinal)
    {
        "name", "currency", "validFrom", "validUntil", "perUserLimit", "budget", "stopClaimsWhenLow", "thresholds",
    };

    public string Key { get; set; } = Guid.NewGuid().ToString("N");
    public string? Name { get; set; }
    public string? Currency { get; set; } = "CNY";
    public string? ValidFrom { get; set; }
    public string? ValidUntil { get; set; }
    public string? PerUserLimit { get; set; }
    public string? Budget { get; set; }
    public bool StopClaimsWhenLow { get; set; }
    public string? Thresholds { get; set; }

    /// <summary>A new form: from now for 30 days, in the viewer's zone.</summary>
    public static CampaignForm Default(TimeZoneInfo zone, DateTimeOffset now) => new()
    {
        ValidFrom = Formats.LocalInput(now, zone),
        ValidUntil = Formats.LocalInput(now.AddDays(30), zone),
    };

    public (CreateCampaignRequest? Request, Dictionary<string, string[]> Errors) ToRequest(TimeZoneInfo zone, Texts text)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var currency = Currency?.Trim().ToUpperInvariant() ?? "";
        DateTimeOffset? Time(string field, string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) return null;
            var at = Formats.FromLocalInput(value, zone);
            if (at is null) errors[field] = [text["notATime"]];
            return at;
        }
        var perUser = CampaignInput.Whole(PerUserLimit, "perUserLimit", errors, text);
        var thresholds = CampaignInput.Percentages(Thresholds, "thresholds", errors, text);
        var request = new CreateCampaignRequest(
            Name: string.IsNullOrEmpty(Name) ? null : Name,
            Currency: currency.Length == 0 ? null : currency,
            ValidFrom: Time("validFrom", ValidFrom),
            ValidUntil: Time("validUntil", ValidUntil),
            PerUserLimit: perUser is null ? null : (int)Math.Min(perUser.Value, int.MaxValue),
            Budget: CampaignInput.Money(Budget, currency, "budget", errors, text),
            StopClaimsWhenLow: StopClaimsWhenLow,
            Thresholds: thresholds);
        return (errors.Count == 0 ? request : null, errors);
    }
}

/// <summary>Reading what a merchant typed into the campaign pages' fields; a field that cannot be read gets its message.</summary>
internal static class CampaignInput
{
    public static long? Money(string? value, string currency, string field, Dictionary<string, string[]> errors, Texts text)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var minor = Formats.MinorOf(value, currency);
        if (minor is null) errors[field] = [string.Format(CultureInfo.InvariantCulture, text["notAnAmount"], currency)];
        return minor;
    }

    public static long? Whole(string? value, string field, Dictionary<string, string[]> errors, Texts text)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (long.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return n;
        errors[field] = [text["notAWholeNumber"]];
        return null;
    }

    /// <summary>"80, 100" as [80, 100]; empty: absent (the API's default).</summary>
    public static IReadOnlyList<int>? Percentages(string? value, string field, Dictionary<string, string[]> errors, Texts text)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var list = new List<int>();
        foreach (var part in value.Split([',', ' ', '，'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var p))
            {
                errors[field] = [text["notIds"]];
                return null;
            }
            list.Add(p);
        }
        return list;
    }
}
