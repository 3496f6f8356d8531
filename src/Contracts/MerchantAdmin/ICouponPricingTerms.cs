using PromotionEngine.Contracts.Events.MerchantAdmin.V1;
using PromotionEngine.Kernel;

namespace PromotionEngine.Contracts.MerchantAdmin;

/// <summary>
/// Merchant-admin's query port for pricing: what each template takes off, where, and how it stacks. These terms
/// never change once a template exists, so callers may keep them.
/// </summary>
public interface ICouponPricingTerms
{
    /// <summary>The terms of each template found; unknown ids are left out.</summary>
    Task<IReadOnlyDictionary<TemplateId, TemplatePricingTerms>> FindAsync(IReadOnlyCollection<TemplateId> templates, CancellationToken ct);
}

/// <summary>
/// Scope PLATFORM/SHOP/PRODUCTS/CATEGORIES, type FIXED_AMOUNT/THRESHOLD/PERCENTAGE/TIERED_THRESHOLD; money in minor units,
/// percentOff in basis points; Tiers ascending, for TIERED_THRESHOLD only; Gift for GIFT only (it takes no money off: its
/// LargestDiscount is 0). BUY_X_GET_Y: every BuyQuantity + GetQuantity units in scope earn GetQuantity units (the cheapest) at
/// percentOff off, at most maxDiscountAmount.
/// </summary>
public sealed record TemplatePricingTerms(
    TemplateId Template,
    MerchantId Merchant,
    string Currency,
    string Scope,
    long? ShopId,
    IReadOnlyList<long> ProductIds,
    IReadOnlyList<long> CategoryIds,
    string Type,
    long? DiscountAmount,
    long? ThresholdAmount,
    int? PercentOff,
    long? MaxDiscountAmount,
    bool Exclusive,
    int Priority,
    IReadOnlyList<TemplateTier>? Tiers = null,
    PricingGift? Gift = null,
    int? BuyQuantity = null,
    int? GetQuantity = null)
{
    /// <summary>
    /// The most one coupon can take off, whatever the cart: the cap, the fixed amount, or the top tier; null when unbounded (a
    /// percentage, free shipping or BUY_X_GET_Y without a cap: a BUY_X_GET_Y coupon's discount grows with the units bought); 0
    /// for a GIFT (it gives goods, not money: a money budget holds nothing for it). What a lock without a quote reserves on a
    /// budget, and what a claim is held to.
    /// </summary>
    public long? LargestDiscount => Gift is not null ? 0 : MaxDiscountAmount ?? DiscountAmount ?? Tiers?.Max(t => t.DiscountAmount);
}

/// <summary>
/// What a GIFT coupon gives a qualifying order (docs/gifts.md): Quantity units of Sku at price 0. It qualifies when the lines in its
/// scope reach the template's ThresholdAmount (list prices) and hold MinQuantity units (either may be absent). Fixed at creation.
/// </summary>
public sealed record PricingGift(string Sku, int Quantity, int? MinQuantity);
