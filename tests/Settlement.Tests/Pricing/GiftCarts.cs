using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Kernel;
using PromotionEngine.Settlement.Pricing;

namespace PromotionEngine.Settlement.Tests.Pricing;

/// <summary>Builders for GIFT coupons (docs/gifts.md), beside <see cref="Carts"/>.</summary>
internal static class GiftCarts
{
    /// <summary>赠品: <paramref name="quantity"/> units of <paramref name="sku"/> for an order reaching the threshold and minQuantity in scope.</summary>
    public static PricingTerms Gift(string sku = "SAMPLE", int quantity = 1, int? minQuantity = null, long? threshold = null, long? shop = null,
        int priority = 0) =>
        new(new TemplateId(1), "CNY", shop is null ? ScopeKind.Platform : ScopeKind.Shop, shop, new HashSet<long>(), new HashSet<long>(),
            BenefitKind.Gift, null, threshold, null, null, false, priority, null, new PricingGift(sku, quantity, minQuantity));

    /// <summary>A wallet coupon whose template's gift stock has <paramref name="left"/> gifts left.</summary>
    public static WalletCoupon WithGiftsLeft(this WalletCoupon coupon, long left) => coupon with { GiftRemaining = left };
}
