using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Kernel;

namespace PromotionEngine.Settlement.Pricing;

internal enum ScopeKind
{
    Platform,
    Shop,
    Products,
    Categories,
}

internal enum BenefitKind
{
    FixedAmount,
    Threshold,
    Percentage,
    TieredThreshold,
    FreeShipping,

    /// <summary>A gift SKU at price 0 for a qualifying order; takes no money off (docs/gifts.md).</summary>
    Gift,

    // N-th item / buy X get Y: the cheapest qualifying units of each group earn a percentage off (ItemDeal.cs).
    BuyXGetY,
}

/// <summary>One tier of a tiered threshold: from the threshold on (list prices of the lines in scope), the discount comes off.</summary>
internal sealed record PricingTier(long Threshold, long Discount);

/// <summary>Which stacking slot a coupon takes: one platform coupon per order, one shop coupon per shop, one shipping coupon per order.</summary>
internal enum Slot
{
    Platform,
    Shop,
    Shipping,

    /// <summary>One GIFT coupon per order: it rides along with every combination of discounts.</summary>
    Gift,
}

/// <summary>
/// What a template promises at checkout: where it applies, what it takes off, and how it stacks. Immutable once the
/// template exists, so a quote computed from it stays true.
/// </summary>
internal sealed record PricingTerms(
    TemplateId Template,
    string Currency,
    ScopeKind Scope,
    long? ShopId,
    IReadOnlySet<long> ProductIds,
    IReadOnlySet<long> CategoryIds,
    BenefitKind Benefit,
    long? DiscountAmount,
    long? ThresholdAmount,
    int? PercentOff,
    long? MaxDiscountAmount,
    bool Exclusive,
    int Priority,
    IReadOnlyList<PricingTier>? Tiers = null,
    PricingGift? Gift = null,
    int? BuyQuantity = null,
    int? GetQuantity = null)
{
    /// <summary>
    /// SHOP coupons take their shop's slot; PLATFORM, PRODUCTS and CATEGORIES coupons cut across shops and take the platform slot.
    /// A FREE_SHIPPING coupon takes the shipping slot whatever its scope: it takes off the fee, not the lines. A BUY_X_GET_Y coupon
    /// takes the platform slot whatever its scope (its templates are PRODUCTS or CATEGORIES scope), so it applies first, on list prices.
    /// </summary>
    public Slot Slot => Benefit switch
    {
        BenefitKind.Gift => Slot.Gift,
        BenefitKind.FreeShipping => Slot.Shipping,
        BenefitKind.BuyXGetY => Slot.Platform,
        _ => Scope == ScopeKind.Shop ? Slot.Shop : Slot.Platform,
    };

    public bool IsPercentage => Benefit == BenefitKind.Percentage;

    public bool Covers(CartLine line) => Scope switch
    {
        ScopeKind.Platform => true,
        ScopeKind.Shop => line.ShopId == ShopId,
        ScopeKind.Products => line.ProductId is { } p && ProductIds.Contains(p),
        ScopeKind.Categories => line.CategoryIds.Any(CategoryIds.Contains),
        _ => false,
    };

    /// <summary>
    /// The highest tier that <paramref name="eligible"/> (the list amount of the lines in scope) reaches, null below the first; and
    /// the tier after it, null at the top. Tiers ascend (checked at the template's creation).
    /// </summary>
    public (PricingTier? Reached, PricingTier? Next) TierAt(long eligible)
    {
        PricingTier? reached = null;
        foreach (var tier in Tiers ?? [])
        {
            if (tier.Threshold > eligible) return (reached, tier);
            reached = tier;
        }
        return (reached, null);
    }

    /// <summary>
    /// What the coupon takes off <paramref name="base"/> (what is left of its lines when it applies); never more than the base. A
    /// tiered coupon's tier depends on the cart, not on the base: <see cref="Offer.DiscountOn"/> knows it.
    /// </summary>
    public long DiscountOn(long @base)
    {
        if (@base <= 0 || Benefit == BenefitKind.Gift) return 0;
        if (Benefit != BenefitKind.Percentage) return Math.Min(DiscountAmount ?? 0, @base);
        // Rounded down: a coupon never takes off more than its percentage.
        var off = (long)((Int128)@base * (PercentOff ?? 0) / 10_000);
        return Math.Min(off, MaxDiscountAmount ?? long.MaxValue);
    }
}

/// <summary>A wallet coupon that can be used on the cart on its own: its terms and the lines it covers.</summary>
/// <param name="Tier">A tiered coupon's tier reached on the cart (list prices of its lines); null for every other type.</param>
/// <param name="Deal">A BUY_X_GET_Y coupon's discounted units on the cart (list prices); null for every other type.</param>
internal sealed record Offer(UserCouponId Id, PricingTerms Terms, int[] Lines, DateTimeOffset ValidUntil, PricingTier? Tier = null,
    ItemDeal? Deal = null)
{
    /// <summary>What the coupon takes off <paramref name="base"/>, what is left of its lines when it applies; never more than the base.</summary>
    public long DiscountOn(long @base) =>
        Deal is { } deal ? Math.Min(deal.Discount, Math.Max(0, @base))
        : Tier is { } tier ? Math.Min(tier.Discount, Math.Max(0, @base))
        : Terms.DiscountOn(@base);

    /// <summary>A FREE_SHIPPING coupon's discount: what is left of the shipping fee, at most its cap.</summary>
    public long ShippingOff(long feeLeft) => Math.Min(Math.Max(0, feeLeft), Terms.MaxDiscountAmount ?? long.MaxValue);

    /// <summary>The threshold the discount stands on: the reached tier's, or the template's (null when it has none).</summary>
    public long? Threshold => Tier?.Threshold ?? Terms.ThresholdAmount;

    public Slot Slot => Terms.Slot;

    public long ShopId => Terms.ShopId ?? 0;

    /// <summary>
    /// Where the coupon comes in the stacking order: fixed discounts before percentages; among fixed ones the
    /// platform coupon first (split over its lines by list price, so each shop's coupons see a base no other shop
    /// changes), among percentages the shop coupons first and the platform coupon last, on what is left.
    /// </summary>
    public int Phase => (Terms.IsPercentage, Slot) switch
    {
        (_, Slot.Shipping) => 4, // the shipping fee: no line coupon touches it, so its place changes nothing
        (_, Slot.Gift) => 5, // a gift takes no money off: its place changes nothing
        (false, Slot.Platform) => 0,
        (false, Slot.Shop) => 1,
        (true, Slot.Shop) => 2,
        _ => 3,
    };
}
