using PromotionEngine.Kernel;
using PromotionEngine.Settlement.Pricing;

namespace PromotionEngine.Settlement.Tests.Pricing;

/// <summary>Builders in the business's words: carts, templates' terms and wallet coupons.</summary>
internal static class Carts
{
    public static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    public static CartLine Line(int index, long shop, long unitPrice, int quantity = 1, long? product = null, params long[] categories) =>
        new(index, "sku-" + index, product, shop, categories, unitPrice, quantity);

    public static Cart Of(params CartLine[] lines) => new("CNY", lines, 0);

    public static Cart Shipped(long fee, params CartLine[] lines) => new("CNY", lines, fee);

    /// <summary>包邮: the shipping fee off, at most <paramref name="cap"/>, from an optional threshold on the lines in scope.</summary>
    public static PricingTerms FreeShipping(long? cap = null, long? threshold = null, long? shop = null, bool exclusive = false, int priority = 0) =>
        Terms(shop is null ? ScopeKind.Platform : ScopeKind.Shop, BenefitKind.FreeShipping, shop: shop, threshold: threshold, cap: cap,
            exclusive: exclusive, priority: priority);

    private static PricingTerms Terms(ScopeKind scope, BenefitKind benefit, long? shop = null, long? amount = null, long? threshold = null,
        int? percent = null, long? cap = null, bool exclusive = false, int priority = 0, long[]? products = null, long[]? categories = null,
        string currency = "CNY") =>
        new(new TemplateId(1), currency, scope, shop, (products ?? []).ToHashSet(), (categories ?? []).ToHashSet(), benefit, amount, threshold,
            percent, cap, exclusive, priority);

    public static PricingTerms PlatformOff(long amount, long? threshold = null, bool exclusive = false, int priority = 0) =>
        Terms(ScopeKind.Platform, threshold is null ? BenefitKind.FixedAmount : BenefitKind.Threshold, amount: amount, threshold: threshold,
            exclusive: exclusive, priority: priority);

    public static PricingTerms PlatformPercent(int basisPoints, long? cap = null, long? threshold = null, bool exclusive = false) =>
        Terms(ScopeKind.Platform, BenefitKind.Percentage, percent: basisPoints, cap: cap, threshold: threshold, exclusive: exclusive);

    public static PricingTerms ShopOff(long shop, long amount, long? threshold = null, bool exclusive = false, int priority = 0) =>
        Terms(ScopeKind.Shop, threshold is null ? BenefitKind.FixedAmount : BenefitKind.Threshold, shop: shop, amount: amount,
            threshold: threshold, exclusive: exclusive, priority: priority);

    public static PricingTerms ShopPercent(long shop, int basisPoints, long? cap = null) =>
        Terms(ScopeKind.Shop, BenefitKind.Percentage, shop: shop, percent: basisPoints, cap: cap);

    public static PricingTerms CategoryPercent(long category, int basisPoints, long? cap = null) =>
        Terms(ScopeKind.Categories, BenefitKind.Percentage, percent: basisPoints, cap: cap, categories: [category]);

    public static PricingTerms CategoryOff(long category, long amount) =>
        Terms(ScopeKind.Categories, BenefitKind.FixedAmount, amount: amount, categories: [category]);

    public static PricingTerms ProductOff(long product, long amount, string currency = "CNY") =>
        Terms(ScopeKind.Products, BenefitKind.FixedAmount, amount: amount, products: [product], currency: currency);

    /// <summary>满100减10 / 满200减25 …: (threshold, discount) pairs, ascending; on the platform, or one shop's lines.</summary>
    public static PricingTerms Tiered(long? shop = null, bool exclusive = false, params (long Threshold, long Discount)[] tiers) =>
        Terms(shop is null ? ScopeKind.Platform : ScopeKind.Shop, BenefitKind.TieredThreshold, shop: shop, exclusive: exclusive) with
        {
            Tiers = tiers.Select(t => new PricingTier(t.Threshold, t.Discount)).ToList(),
        };

    /// <summary>
    /// Buy X get Y (买二送一 / 第二件半价): every buy + get units of the given products earn get units, the cheapest, at percent basis
    /// points off (10000: free), at most cap.
    /// </summary>
    public static PricingTerms BuyGet(int buy, int get, int percent = 10_000, long? cap = null, bool exclusive = false, int priority = 0,
        params long[] products) =>
        Terms(ScopeKind.Products, BenefitKind.BuyXGetY, percent: percent, cap: cap, exclusive: exclusive, priority: priority,
            products: products) with
        {
            BuyQuantity = buy,
            GetQuantity = get,
        };

    public static WalletCoupon Coupon(long id, PricingTerms? terms, WalletStatus status = WalletStatus.Available, DateTimeOffset? validUntil = null,
        DateTimeOffset? validFrom = null) =>
        new(new UserCouponId(id), new TemplateId(id * 10), status, validFrom ?? Now.AddDays(-1), validUntil ?? Now.AddDays(7),
            status == WalletStatus.Locked ? Now.AddMinutes(10) : null, 0, terms);

    /// <summary>The coupon as an offer on the cart (it must be usable there on its own).</summary>
    public static Offer Offer(Cart cart, long id, PricingTerms terms)
    {
        var (offer, why) = Eligibility.Check(Coupon(id, terms), cart, Now);
        return offer ?? throw new InvalidOperationException($"Coupon {id} is not usable on the cart: {why!.Reason}");
    }

    public static PriceResult Priced(Cart cart, params WalletCoupon[] wallet) =>
        Pricer.Price(cart, wallet, null, Now) is PriceOutcome.Priced p ? p.Result : throw new InvalidOperationException("Not priced.");

    public static long[] Ids(this Application a) => a.Coupons.Select(c => c.Offer.Id.Value).Order().ToArray();
}
