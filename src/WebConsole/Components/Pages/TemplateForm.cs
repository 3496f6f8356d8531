using System.Globalization;
using PromotionEngine.Contracts.Http.MerchantAdmin;
using PromotionEngine.WebConsole.Api;
using PromotionEngine.WebConsole.Viewing;

namespace PromotionEngine.WebConsole.Components.Pages;

/// <summary>
/// The create form as typed: amounts in the currency's major units ("10.00"), percentages as percent, times local to the viewer.
/// Only what cannot be sent as the API's request at all (a word where a number goes) is refused here; every rule of the
/// template is the API's, and its field errors are shown beside the fields.
/// </summary>
internal sealed class TemplateForm
{
    public static readonly string[] Types =
        ["FIXED_AMOUNT", "THRESHOLD", "PERCENTAGE", "TIERED_THRESHOLD", "FREE_SHIPPING", "BUY_X_GET_Y", "GIFT"];
    public static readonly string[] Scopes = ["PLATFORM", "SHOP", "PRODUCTS", "CATEGORIES"];
    public static readonly string[] Fundings = ["MERCHANT", "PLATFORM", "SPLIT"];

    /// <summary>The API's field names the form shows beside a field (others are listed above the form).</summary>
    public static readonly IReadOnlySet<string> Fields = new HashSet<string>(StringComparer.Ordinal)
    {
        "name", "description", "currency", "type", "discountAmount", "thresholdAmount", "percentOff", "maxDiscountAmount", "scope",
        "shopId", "productIds", "categoryIds", "validFrom", "validUntil", "validityAfterClaim", "stock", "perUserLimit", "exclusive",
        "priority", "funding", "platformShareBps", "timeZone", "perUserDailyLimit", "perUserWeeklyLimit", "perUserMonthlyLimit",
        "audienceId", "tiers", "buyQuantity", "getQuantity", "giftSku", "giftQuantity", "giftMinQuantity", "giftStock",
    };

    /// <summary>
    /// The form's field an API error key is shown beside: a tier's member (tiers[1].discountAmount) beside the tiers, the gift's
    /// members (gift.sku) beside their own fields, "gift" as a whole beside the SKU; every other key is the field's own id.
    /// </summary>
    public static string FieldOf(string apiKey) => apiKey switch
    {
        _ when apiKey.StartsWith("tiers[", StringComparison.Ordinal) => "tiers",
        "gift" or "gift.sku" => "giftSku",
        "gift.quantity" => "giftQuantity",
        "gift.minQuantity" => "giftMinQuantity",
        "gift.stock" => "giftStock",
        _ => apiKey,
    };

    /// <summary>The API's messages for one of the form's fields; a tier's keep the tier's key, so the merchant sees which tier.</summary>
    public static IReadOnlyList<string> ErrorsFor(ApiProblem problem, string field) =>
    [
        .. problem.Errors.Where(e => FieldOf(e.Key) == field)
            .SelectMany(e => e.Key.StartsWith("tiers[", StringComparison.Ordinal) ? e.Value.Select(m => $"{e.Key}: {m}") : e.Value),
    ];

    /// <summary>The API's messages of keys no field of the form shows.</summary>
    public static IEnumerable<string> Unplaced(ApiProblem problem) =>
        problem.Errors.Where(e => !Fields.Contains(FieldOf(e.Key))).SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}"));

    public string Key { get; set; } = Guid.NewGuid().ToString("N");
    public string? Name { get; set; }
    public string? Description { get; set; }
    public string? Currency { get; set; } = "CNY";
    public string? Type { get; set; } = "FIXED_AMOUNT";
    public string? DiscountAmount { get; set; }
    public string? ThresholdAmount { get; set; }
    public string? PercentOff { get; set; }
    public string? MaxDiscountAmount { get; set; }
    public string? Scope { get; set; } = "PLATFORM";
    public string? ShopId { get; set; }
    public string? ProductIds { get; set; }
    public string? CategoryIds { get; set; }
    public string? ValidFrom { get; set; }
    public string? ValidUntil { get; set; }
    public string? ValidityAfterClaim { get; set; }
    public string? Stock { get; set; }
    public string? PerUserLimit { get; set; } = "1";
    public bool Exclusive { get; set; }
    public string? Priority { get; set; }
    public string? Funding { get; set; } = "MERCHANT";
    public string? PlatformShare { get; set; }

    // The per-period limits, their zone and the audience (any type); tiers, buy X get Y and the gift (their types only).
    public string? TimeZone { get; set; }
    public string? PerUserDailyLimit { get; set; }
    public string? PerUserWeeklyLimit { get; set; }
    public string? PerUserMonthlyLimit { get; set; }
    public string? AudienceId { get; set; }

    /// <summary>TIERED_THRESHOLD: a tier a line, its threshold then its discount ("100.00 10.00").</summary>
    public string? Tiers { get; set; }
    public string? BuyQuantity { get; set; }
    public string? GetQuantity { get; set; }
    public string? GiftSku { get; set; }
    public string? GiftQuantity { get; set; }
    public string? GiftMinQuantity { get; set; }
    public string? GiftStock { get; set; }

    /// <summary>A new form: claimable from now for 30 days, in the viewer's zone.</summary>
    public static TemplateForm Default(TimeZoneInfo zone, DateTimeOffset now) => new()
    {
        ValidFrom = Formats.LocalInput(now, zone),
        ValidUntil = Formats.LocalInput(now.AddDays(30), zone),
        TimeZone = zone.Id, // the days, weeks and months of the limits: the merchant's own, as a start
    };

    public (CreateTemplateRequest? Request, Dictionary<string, string[]> Errors) ToRequest(TimeZoneInfo zone, Texts text)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var currency = Currency?.Trim().ToUpperInvariant() ?? "";
        long? Money(string field, string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) return null;
            var minor = Formats.MinorOf(value, currency);
            if (minor is null) errors[field] = [string.Format(CultureInfo.InvariantCulture, text["notAnAmount"], currency)];
            return minor;
        }
        long? Whole(string field, string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) return null;
            if (long.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return n;
            errors[field] = [text["notAWholeNumber"]];
            return null;
        }
        int? Int(string field, string? value) => Whole(field, value) switch
        {
            null => null,
            <= int.MaxValue and var n => (int)n,
            _ => null, // out of any range the API takes: sent as absent, so the API names the field as missing
        };
        int? BasisPoints(string field, string? percent)
        {
            if (string.IsNullOrWhiteSpace(percent)) return null;
            if (decimal.TryParse(percent.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var p)
                && p * 100 == decimal.Truncate(p * 100) && p <= 100) return (int)(p * 100);
            errors[field] = [text["notAPercent"]];
            return null;
        }
        IReadOnlyList<long>? Ids(string field, string? list)
        {
            if (string.IsNullOrWhiteSpace(list)) return null;
            var ids = new List<long>();
            foreach (var part in list.Split([',', ' ', '，'], StringSplitOptions.RemoveEmptyEntries))
            {
                if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    errors[field] = [text["notIds"]];
                    return null;
                }
                ids.Add(id);
            }
            return ids;
        }
        IReadOnlyList<TierRequest?>? TierList(string field, string? lines)
        {
            if (string.IsNullOrWhiteSpace(lines)) return null;
            var tiers = new List<TierRequest?>();
            foreach (var line in lines.Split(['\n', ';', '；'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var parts = line.Split([' ', '\t', ':', '/', ','], StringSplitOptions.RemoveEmptyEntries);
                var (threshold, discount) = parts.Length == 2
                    ? (Formats.MinorOf(parts[0], currency), Formats.MinorOf(parts[1], currency))
                    : (null, null);
                if (threshold is null || discount is null)
                {
                    errors[field] = [string.Format(CultureInfo.InvariantCulture, text["notTiers"], currency)];
                    return null;
                }
                tiers.Add(new TierRequest(threshold, discount));
            }
            return tiers;
        }
        GiftRequest? Gift()
        {
            if (Type != "GIFT" && string.IsNullOrWhiteSpace(GiftSku) && string.IsNullOrWhiteSpace(GiftStock)) return null;
            return new GiftRequest(
                string.IsNullOrWhiteSpace(GiftSku) ? null : GiftSku.Trim(), Int("giftQuantity", GiftQuantity),
                Int("giftMinQuantity", GiftMinQuantity), Whole("giftStock", GiftStock));
        }
        DateTimeOffset? Time(string field, string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) return null;
            var at = Formats.FromLocalInput(value, zone);
            if (at is null) errors[field] = [text["notATime"]];
            return at;
        }

        var request = new CreateTemplateRequest(
            Name: string.IsNullOrEmpty(Name) ? null : Name,
            Description: string.IsNullOrEmpty(Description) ? null : Description,
            Currency: currency.Length == 0 ? null : currency,
            Scope: Scope,
            ShopId: Whole("shopId", ShopId),
            ProductIds: Ids("productIds", ProductIds),
            CategoryIds: Ids("categoryIds", CategoryIds),
            Type: Type,
            DiscountAmount: Money("discountAmount", DiscountAmount),
            ThresholdAmount: Money("thresholdAmount", ThresholdAmount),
            PercentOff: BasisPoints("percentOff", PercentOff),
            MaxDiscountAmount: Money("maxDiscountAmount", MaxDiscountAmount),
            ValidFrom: Time("validFrom", ValidFrom),
            ValidUntil: Time("validUntil", ValidUntil),
            ValidityAfterClaim: string.IsNullOrWhiteSpace(ValidityAfterClaim) ? null : ValidityAfterClaim.Trim(),
            Stock: Whole("stock", Stock),
            PerUserLimit: Int("perUserLimit", PerUserLimit),
            Exclusive: Exclusive,
            Priority: Int("priority", Priority),
            Funding: Funding,
            PlatformShareBps: BasisPoints("platformShareBps", PlatformShare),
            TimeZone: string.IsNullOrWhiteSpace(TimeZone) ? null : TimeZone.Trim(),
            PerUserDailyLimit: Int("perUserDailyLimit", PerUserDailyLimit),
            PerUserWeeklyLimit: Int("perUserWeeklyLimit", PerUserWeeklyLimit),
            PerUserMonthlyLimit: Int("perUserMonthlyLimit", PerUserMonthlyLimit),
            Tiers: TierList("tiers", Tiers),
            AudienceId: Whole("audienceId", AudienceId),
            Gift: Gift(),
            BuyQuantity: Int("buyQuantity", BuyQuantity),
            GetQuantity: Int("getQuantity", GetQuantity));
        return (errors.Count == 0 ? request : null, errors);
    }
}
