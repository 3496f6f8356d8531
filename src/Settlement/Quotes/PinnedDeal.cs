using PromotionEngine.Settlement.Pricing;

namespace PromotionEngine.Settlement.Quotes;

/// <summary>A BUY_X_GET_Y coupon's terms as pinned with the quote: buy X, get Y at PercentOff basis points off, at most Cap.</summary>
internal sealed record PinnedDeal(int Buy, int Get, int PercentOff, long? Cap)
{
    public static PinnedDeal? Of(PricingTerms terms) => terms.Benefit == BenefitKind.BuyXGetY
        ? new PinnedDeal(terms.BuyQuantity ?? 0, terms.GetQuantity ?? 0, terms.PercentOff ?? 0, terms.MaxDiscountAmount)
        : null;
}
