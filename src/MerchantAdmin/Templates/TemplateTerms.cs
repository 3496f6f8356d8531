namespace PromotionEngine.MerchantAdmin.Templates;

/// <summary>Where a coupon may be used.</summary>
internal enum TemplateScope
{
    Platform,
    Shop,
    Products,
    Categories,
}

/// <summary>What a coupon takes off: 立减 (fixed), 满减 (spend M take N), 折扣 (percentage), 阶梯满减 (tiered: the highest tier reached),
/// 包邮 (free shipping: the cart's shipping fee, up to a cap).</summary>
internal enum BenefitType
{
    FixedAmount,
    Threshold,
    Percentage,
    TieredThreshold,
    FreeShipping,

    /// <summary>赠品 (a gift): a qualifying order earns units of a gift SKU at price 0, out of a counted gift stock (docs/gifts.md).</summary>
    Gift,

    // 买二送一 / 第二件半价: every X + Y units in scope earn Y, the cheapest, at percentOff off (BuyXGetYRules).
    BuyXGetY,
}

/// <summary>
/// Who funds the discount (商家承担 / 平台补贴 / a split): the merchant, the platform, or the platform the template's
/// platformShareBps of it and the merchant the rest. Part of the template's terms: fixed at creation.
/// </summary>
internal enum FundingKind
{
    Merchant,
    Platform,
    Split,
}

/// <summary>ACTIVE and TERMINATED are stored; ENDED follows from the clock once the window has passed.</summary>
internal enum TemplateStatus
{
    Active,
    Ended,
    Terminated,
}

/// <summary>
/// The benefit in minor units; percentOff in basis points (1500 = 15% off); tiers ascending (TIERED_THRESHOLD only); BuyQuantity and
/// GetQuantity (BUY_X_GET_Y only).
/// </summary>
internal sealed record Benefit(BenefitType Type, long? DiscountAmount, long? ThresholdAmount, int? PercentOff, long? MaxDiscountAmount,
    IReadOnlyList<BenefitTier>? Tiers = null,
    GiftTerms? Gift = null, int? BuyQuantity = null, int? GetQuantity = null);

/// <summary>满200减25: from the threshold on, the discount comes off; minor units.</summary>
internal sealed record BenefitTier(long ThresholdAmount, long DiscountAmount);

internal sealed record CouponScope(TemplateScope Kind, long? ShopId, IReadOnlyList<long> ProductIds, IReadOnlyList<long> CategoryIds);

/// <summary>Wire names: UPPER_SNAKE for every enum the API shows.</summary>
internal static class WireNames
{
    public static string Of(TemplateScope scope) => scope switch
    {
        TemplateScope.Platform => "PLATFORM",
        TemplateScope.Shop => "SHOP",
        TemplateScope.Products => "PRODUCTS",
        TemplateScope.Categories => "CATEGORIES",
        _ => throw new ArgumentOutOfRangeException(nameof(scope)),
    };

    public static string Of(BenefitType type) => type switch
    {
        BenefitType.FixedAmount => "FIXED_AMOUNT",
        BenefitType.Threshold => "THRESHOLD",
        BenefitType.Percentage => "PERCENTAGE",
        BenefitType.TieredThreshold => "TIERED_THRESHOLD",
        BenefitType.FreeShipping => "FREE_SHIPPING",
        BenefitType.Gift => "GIFT",
        BenefitType.BuyXGetY => "BUY_X_GET_Y",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static string Of(TemplateStatus status) => status switch
    {
        TemplateStatus.Active => "ACTIVE",
        TemplateStatus.Ended => "ENDED",
        TemplateStatus.Terminated => "TERMINATED",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static string Of(FundingKind funding) => funding switch
    {
        FundingKind.Merchant => "MERCHANT",
        FundingKind.Platform => "PLATFORM",
        FundingKind.Split => "SPLIT",
        _ => throw new ArgumentOutOfRangeException(nameof(funding)),
    };

    public static bool TryParse(string? value, out TemplateScope scope) => TryParseEnum(value, out scope);
    public static bool TryParse(string? value, out BenefitType type) => TryParseEnum(value, out type);
    public static bool TryParse(string? value, out TemplateStatus status) => TryParseEnum(value, out status);
    public static bool TryParse(string? value, out FundingKind funding) => TryParseEnum(value, out funding);

    // "FIXED_AMOUNT" -> FixedAmount; exact upper-case spelling only, so typos are refused rather than guessed.
    private static bool TryParseEnum<T>(string? value, out T result) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(ToWire(candidate.ToString()), value, StringComparison.Ordinal))
            {
                result = candidate;
                return true;
            }
        }
        result = default;
        return false;
    }

    private static string ToWire(string pascal) =>
        string.Concat(pascal.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : char.ToUpperInvariant(c).ToString()));
}
