using PromotionEngine.Contracts.Http.MerchantAdmin;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Kernel.Validation;
using static PromotionEngine.MerchantAdmin.Templates.TemplateRules;

namespace PromotionEngine.MerchantAdmin.Templates;

/// <summary>A valid description of a new template: every rule of the request checked, every fault reported at once.</summary>
internal sealed record TemplateDefinition(
    string Name,
    string Description,
    string Currency,
    CouponScope Scope,
    Benefit Benefit,
    DateTimeOffset ValidFrom,
    DateTimeOffset ValidUntil,
    TimeSpan? ValidityAfterClaim,
    long Stock,
    int PerUserLimit,
    bool Exclusive = false,
    int Priority = 0,
    FundingKind Funding = FundingKind.Merchant,
    int PlatformShareBps = 0,
    ClaimPeriodLimits? PeriodLimits = null,
    AudienceId? Audience = null,
    long GiftStock = 0)
{
    /// <summary>As <see cref="From(CreateTemplateRequest, DateTimeOffset, FieldErrors, out bool)"/>, ignoring which fault it was.</summary>
    public static TemplateDefinition? From(CreateTemplateRequest r, DateTimeOffset now, FieldErrors errors) => From(r, now, errors, out _);

    /// <summary><paramref name="onlyTheZone"/>: the time zone is unknown and is the request's only fault (UNKNOWN_TIME_ZONE).</summary>
    public static TemplateDefinition? From(CreateTemplateRequest r, DateTimeOffset now, FieldErrors errors, out bool onlyTheZone)
    {
        var definition = Validate(r, now, errors, out var unknownZone);
        onlyTheZone = unknownZone && errors.ToDictionary().Count == 1;
        return definition;
    }

    private static TemplateDefinition? Validate(CreateTemplateRequest r, DateTimeOffset now, FieldErrors errors, out bool unknownZone)
    {
        var name = r.Name?.Trim();
        errors.When(string.IsNullOrEmpty(name), "name", "A name is required.")
              .When(name is { Length: > MaxNameLength }, "name", $"At most {MaxNameLength} characters.")
              .Text("name", name);
        var description = r.Description?.Trim() ?? "";
        errors.When(description.Length > MaxDescriptionLength, "description", $"At most {MaxDescriptionLength} characters.")
              .Text("description", description, multiLine: true);
        errors.When(!Kernel.Currency.IsCode(r.Currency), "currency", Kernel.Currency.Rule);

        var scope = ScopeFrom(r, errors);
        var benefit = BenefitFrom(r, errors);

        errors.When(r.ValidFrom is null, "validFrom", "Required: the start of the window (ISO-8601 with offset).")
              .When(r.ValidUntil is null, "validUntil", "Required: the end of the window, exclusive.");
        if (r.ValidFrom is { } from && r.ValidUntil is { } until)
        {
            errors.When(until <= from, "validUntil", "Must be after validFrom.")
                  .When(until <= now, "validUntil", "Must be in the future.")
                  .When(until - from > MaxWindow, "validUntil", $"The window is at most {MaxWindow.Days} days.");
        }

        TimeSpan? validity = null;
        if (r.ValidityAfterClaim is { } text)
        {
            if (!Iso8601Duration.TryParse(text, out var parsed))
                errors.Add("validityAfterClaim", "An ISO-8601 duration in weeks, days, hours, minutes or seconds, e.g. P7D or PT12H.");
            else if (parsed < MinValidityAfterClaim || parsed > MaxValidityAfterClaim)
                errors.Add("validityAfterClaim", $"Between {MinValidityAfterClaim.TotalMinutes} minute and {MaxValidityAfterClaim.Days} days.");
            else
                validity = parsed;
        }

        errors.When(r.Stock is null or < 1 or > MaxStock, "stock", $"A whole number from 1 to {MaxStock}.")
              .When(r.PerUserLimit is null or < 1 or > MaxPerUserLimit, "perUserLimit", $"A whole number from 1 to {MaxPerUserLimit}.");

        errors.When(r.AudienceId is < 1, "audienceId", "An audience id of this merchant (POST /api/v1/merchant/audiences).");
        errors.When(r.Priority is < 0 or > MaxPriority, "priority", $"A whole number from 0 to {MaxPriority}.");

        var funding = FundingFrom(r, errors);
        var periods = ClaimPeriodLimits.From(r, errors, out unknownZone);

        if (!errors.IsEmpty || scope is null || benefit is null || funding is null || periods is null) return null;
        return new TemplateDefinition(name!, description, r.Currency!, scope, benefit, UtcMillis.Truncate(r.ValidFrom!.Value),
            UtcMillis.Truncate(r.ValidUntil!.Value), validity, r.Stock!.Value, r.PerUserLimit!.Value, r.Exclusive ?? false, r.Priority ?? 0,
            funding.Value.Kind, funding.Value.PlatformShareBps, periods,
            r.AudienceId is { } audience ? new AudienceId(audience) : null, GiftRules.StockOf(r, benefit));
    }

    /// <summary>MERCHANT (the default) is a share of 0, PLATFORM of 10000; either may leave the share out. SPLIT names one between.</summary>
    private static (FundingKind Kind, int PlatformShareBps)? FundingFrom(CreateTemplateRequest r, FieldErrors errors)
    {
        var kind = FundingKind.Merchant;
        if (r.Funding is not null && !WireNames.TryParse(r.Funding, out kind))
        {
            errors.Add("funding", "One of MERCHANT, PLATFORM, SPLIT.");
            return null;
        }
        var (share, rule) = kind switch
        {
            FundingKind.Merchant => (r.PlatformShareBps ?? 0, "0 with MERCHANT funding (the default): the merchant bears the whole discount; "
                + "name SPLIT to share it."),
            FundingKind.Platform => (r.PlatformShareBps ?? WholeShareBps,
                $"{WholeShareBps} with PLATFORM funding: the platform bears the whole discount."),
            _ => (r.PlatformShareBps ?? -1, $"Required with SPLIT funding: the platform's part in basis points, 1 to {WholeShareBps - 1}."),
        };
        var fits = kind switch
        {
            FundingKind.Merchant => share == 0,
            FundingKind.Platform => share == WholeShareBps,
            _ => share is > 0 and < WholeShareBps,
        };
        if (fits) return (kind, share);
        errors.Add("platformShareBps", rule);
        return null;
    }

    private static CouponScope? ScopeFrom(CreateTemplateRequest r, FieldErrors errors)
    {
        if (!WireNames.TryParse(r.Scope, out TemplateScope kind))
        {
            errors.Add("scope", "One of PLATFORM, SHOP, PRODUCTS, CATEGORIES.");
            return null;
        }
        errors.When(kind == TemplateScope.Shop && r.ShopId is null or < 1, "shopId", "Required with scope SHOP: a positive id.")
              .When(kind != TemplateScope.Shop && r.ShopId is not null, "shopId", "Only with scope SHOP.");
        CheckIds(r.ProductIds, kind == TemplateScope.Products, "productIds", "PRODUCTS", errors);
        CheckIds(r.CategoryIds, kind == TemplateScope.Categories, "categoryIds", "CATEGORIES", errors);
        return new CouponScope(kind, r.ShopId, r.ProductIds?.ToArray() ?? [], r.CategoryIds?.ToArray() ?? []);
    }

    private static void CheckIds(IReadOnlyList<long>? ids, bool required, string field, string scope, FieldErrors errors)
    {
        if (!required)
        {
            errors.When(ids is { Count: > 0 }, field, $"Only with scope {scope}.");
            return;
        }
        errors.When(ids is null or { Count: 0 }, field, $"Required with scope {scope}: at least one id.")
              .When(ids is { Count: > MaxListedIds }, field, $"At most {MaxListedIds} ids.")
              .When(ids is not null && ids.Any(id => id < 1), field, "Ids are positive.")
              .When(ids is not null && ids.Distinct().Count() != ids.Count, field, "Ids are listed once each.");
    }

    private static Benefit? BenefitFrom(CreateTemplateRequest r, FieldErrors errors)
    {
        if (!WireNames.TryParse(r.Type, out BenefitType type))
        {
            errors.Add("type", "One of FIXED_AMOUNT, THRESHOLD, PERCENTAGE, TIERED_THRESHOLD, FREE_SHIPPING, GIFT, BUY_X_GET_Y.");
            return null;
        }
        if (type != BenefitType.TieredThreshold) errors.When(r.Tiers is not null, "tiers", "Only with TIERED_THRESHOLD.");
        if (type != BenefitType.Gift) errors.When(r.Gift is not null, "gift", "Only with GIFT.");
        if (type != BenefitType.BuyXGetY) BuyXGetYRules.OnlyWithBuyXGetY(r, errors);
        static bool BadAmount(long? amount) => amount is null or < 1 or > MaxAmount;
        var amountRule = $"An amount in minor units from 1 to {MaxAmount}.";
        switch (type)
        {
            case BenefitType.FixedAmount:
                errors.When(BadAmount(r.DiscountAmount), "discountAmount", amountRule)
                      .When(r.ThresholdAmount is not null, "thresholdAmount", "Not with FIXED_AMOUNT: use THRESHOLD for spend-M-take-N.")
                      .When(r.PercentOff is not null, "percentOff", "Only with PERCENTAGE.")
                      .When(r.MaxDiscountAmount is not null, "maxDiscountAmount", "Only with PERCENTAGE.");
                break;
            case BenefitType.Threshold:
                errors.When(BadAmount(r.DiscountAmount), "discountAmount", amountRule)
                      .When(BadAmount(r.ThresholdAmount), "thresholdAmount", amountRule)
                      .When(r.DiscountAmount > r.ThresholdAmount, "discountAmount", "Cannot take off more than the threshold.")
                      .When(r.PercentOff is not null, "percentOff", "Only with PERCENTAGE.")
                      .When(r.MaxDiscountAmount is not null, "maxDiscountAmount", "Only with PERCENTAGE.");
                break;
            case BenefitType.Percentage:
                errors.When(r.PercentOff is null or < 1 or > MaxPercentOff, "percentOff", $"Basis points from 1 to {MaxPercentOff} (1500 = 15% off).")
                      .When(r.MaxDiscountAmount is not null && BadAmount(r.MaxDiscountAmount), "maxDiscountAmount", amountRule)
                      .When(r.ThresholdAmount is not null && BadAmount(r.ThresholdAmount), "thresholdAmount", amountRule)
                      .When(r.DiscountAmount is not null, "discountAmount", "Not with PERCENTAGE: use percentOff and maxDiscountAmount.");
                break;
            case BenefitType.TieredThreshold:
                return TierRules.BenefitFrom(r, errors);
            case BenefitType.Gift:
                return GiftRules.BenefitFrom(r, errors);
            case BenefitType.BuyXGetY:
                return BuyXGetYRules.BenefitFrom(r, errors);
            case BenefitType.FreeShipping:
                errors.When(r.MaxDiscountAmount is not null && BadAmount(r.MaxDiscountAmount), "maxDiscountAmount", amountRule)
                      .When(r.ThresholdAmount is not null && BadAmount(r.ThresholdAmount), "thresholdAmount", amountRule)
                      .When(r.DiscountAmount is not null, "discountAmount",
                        "Not with FREE_SHIPPING: it takes off the shipping fee, at most maxDiscountAmount.")
                      .When(r.PercentOff is not null, "percentOff", "Only with PERCENTAGE.");
                break;
        }
        return new Benefit(type, r.DiscountAmount, r.ThresholdAmount, r.PercentOff, r.MaxDiscountAmount);
    }
}
