using PromotionEngine.Contracts.Http.MerchantAdmin;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Kernel.Validation;
using PromotionEngine.MerchantAdmin.Templates;

namespace PromotionEngine.MerchantAdmin.Campaigns;

/// <summary>
/// A merchant's campaign: templates of one currency grouped under a window, a per-user limit across them and a money budget.
/// The window may only end later and the per-user limit only rise (users already hold coupons under them); the budget may
/// move either way (a lowered one below what is used leaves nothing remaining, and takes nothing back).
/// </summary>
internal sealed class Campaign
{
    public const int MaxThresholds = 10;
    public static readonly IReadOnlyList<int> DefaultThresholds = [80, 100];

    public long Id { get; private init; }
    public MerchantId Merchant { get; private init; }
    public string Name { get; private set; } = "";
    public string Currency { get; private init; } = "";
    public DateTimeOffset ValidFrom { get; private init; }
    public DateTimeOffset ValidUntil { get; private set; }
    public int? PerUserLimit { get; private set; }
    public long? Budget { get; private set; }
    public bool StopClaimsWhenLow { get; private set; }
    public IReadOnlyList<int> Thresholds { get; private set; } = DefaultThresholds;
    public DateTimeOffset CreatedAt { get; private init; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public int Version { get; private init; }

    public static Campaign? Create(long id, MerchantId merchant, CreateCampaignRequest r, DateTimeOffset now, FieldErrors errors)
    {
        CheckName(r.Name, errors);
        errors.When(!Kernel.Currency.IsCode(r.Currency), "currency", Kernel.Currency.Rule)
            .When(r.ValidFrom is null, "validFrom", "Required: when its templates' claims may open.")
            .When(r.ValidUntil is null, "validUntil", "Required: when its templates' claims close.")
            .When(r.ValidFrom is { } f && r.ValidUntil is { } u && u <= f, "validUntil", "After validFrom.")
            .When(r.ValidFrom is { } f2 && r.ValidUntil is { } u2 && u2 - f2 > TemplateRules.MaxWindow, "validUntil",
                $"The window is at most {TemplateRules.MaxWindow.Days} days.")
            .When(r.PerUserLimit is < 1 or > TemplateRules.MaxPerUserLimit, "perUserLimit", $"1 to {TemplateRules.MaxPerUserLimit}.")
            .When(r.Budget is < 1 or > MaxBudget, "budget", $"1 to {MaxBudget} minor units.");
        CheckThresholds(r.Thresholds, errors);
        if (!errors.IsEmpty) return null;
        return new Campaign
        {
            Id = id,
            Merchant = merchant,
            Name = r.Name!.Trim(),
            Currency = r.Currency!,
            ValidFrom = UtcMillis.Truncate(r.ValidFrom!.Value),
            ValidUntil = UtcMillis.Truncate(r.ValidUntil!.Value),
            PerUserLimit = r.PerUserLimit,
            Budget = r.Budget,
            StopClaimsWhenLow = r.StopClaimsWhenLow ?? false,
            Thresholds = Sorted(r.Thresholds),
            CreatedAt = now,
            UpdatedAt = now,
            Version = 0,
        };
    }

    public static Campaign Restore(long id, MerchantId merchant, string name, string currency, DateTimeOffset validFrom, DateTimeOffset validUntil,
        int? perUserLimit, long? budget, bool stopClaimsWhenLow, IReadOnlyList<int> thresholds, DateTimeOffset createdAt, DateTimeOffset updatedAt,
        int version) => new()
        {
            Id = id, Merchant = merchant, Name = name, Currency = currency, ValidFrom = validFrom, ValidUntil = validUntil,
            PerUserLimit = perUserLimit, Budget = budget, StopClaimsWhenLow = stopClaimsWhenLow, Thresholds = thresholds,
            CreatedAt = createdAt, UpdatedAt = updatedAt, Version = version,
        };

    public const long MaxBudget = 10_000_000_000_000;

    /// <summary>Applies the members given; all are checked before anything changes. Empty errors: changed (or nothing to change).</summary>
    public FieldErrors Change(ChangeCampaignRequest r, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        if (r.Name is not null) CheckName(r.Name, errors);
        errors.When(r.ValidUntil is { } u && UtcMillis.Truncate(u) < ValidUntil, "validUntil", $"Only later than {ValidUntil:O}.")
            .When(r.ValidUntil is { } u2 && u2 - ValidFrom > TemplateRules.MaxWindow, "validUntil",
                $"The window is at most {TemplateRules.MaxWindow.Days} days.")
            .When(r.PerUserLimit is { } l && (l < (PerUserLimit ?? 1) || l > TemplateRules.MaxPerUserLimit), "perUserLimit",
                $"Only higher, at most {TemplateRules.MaxPerUserLimit}.")
            .When(r.PerUserLimit is not null && PerUserLimit is null, "perUserLimit", "A campaign created without a per-user limit keeps none.")
            .When(r.Budget is < 1 or > MaxBudget, "budget", $"1 to {MaxBudget} minor units.");
        CheckThresholds(r.Thresholds, errors);
        if (!errors.IsEmpty) return errors;
        if (r.Name is not null) Name = r.Name.Trim();
        if (r.ValidUntil is { } until) ValidUntil = UtcMillis.Truncate(until);
        if (r.PerUserLimit is { } limit) PerUserLimit = limit;
        if (r.Budget is { } budget) Budget = budget;
        if (r.StopClaimsWhenLow is { } stop) StopClaimsWhenLow = stop;
        if (r.Thresholds is not null) Thresholds = Sorted(r.Thresholds);
        UpdatedAt = now;
        return errors;
    }

    public string StatusAt(DateTimeOffset now) => now < ValidFrom ? "NOT_STARTED" : now >= ValidUntil ? "ENDED" : "ACTIVE";

    private static void CheckName(string? name, FieldErrors errors)
    {
        var trimmed = name?.Trim();
        errors.When(string.IsNullOrEmpty(trimmed) || trimmed.Length > TemplateRules.MaxNameLength, "name",
                $"A name is 1 to {TemplateRules.MaxNameLength} characters.")
            .When(!string.IsNullOrEmpty(trimmed) && !FreeText.IsClean(trimmed), "name", FreeText.SingleLineRule);
    }

    /// <summary>Percentages 1 to 100, each once, at most <see cref="MaxThresholds"/>.</summary>
    public static void CheckThresholds(IReadOnlyList<int>? thresholds, FieldErrors errors) =>
        errors.When(thresholds is not null && (thresholds.Count > MaxThresholds || thresholds.Any(t => t is < 1 or > 100)
            || thresholds.Distinct().Count() != thresholds.Count), "thresholds", $"At most {MaxThresholds} distinct percentages, 1 to 100.");

    public static IReadOnlyList<int> Sorted(IReadOnlyList<int>? thresholds) => thresholds is null ? DefaultThresholds : thresholds.Order().ToList();
}
