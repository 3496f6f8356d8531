namespace PromotionEngine.Settlement.Pricing;

/// <summary>
/// How far a cart is from a tiered coupon's next tier: the minor units to add (list prices of the lines in scope) and what that
/// tier takes off. A quote shows it beside a usable tiered coupon below its top tier, and as the shortfall of one below its first.
/// </summary>
internal sealed record NextTier(long Shortfall, long Threshold, long Discount, string Message)
{
    /// <summary>For a usable offer: the next tier above the one it reached, null when it reached the top or is not tiered.</summary>
    public static NextTier? Of(Offer offer, Cart cart)
    {
        if (offer.Tier is null) return null;
        long eligible = 0;
        foreach (var i in offer.Lines) eligible += cart.Amounts[i];
        var (_, next) = offer.Terms.TierAt(eligible);
        if (next is null) return null;
        var shortfall = next.Threshold - eligible;
        return new NextTier(shortfall, next.Threshold, next.Discount, Sentence(shortfall, next, cart.Currency, first: false));
    }

    /// <summary>"Add 35.00 CNY to reach the next tier (25.00 CNY off)."</summary>
    public static string Sentence(long shortfall, PricingTier next, string currency, bool first) =>
        $"Add {MoneyText.Format(shortfall, currency)} to reach the {(first ? "first" : "next")} tier ({MoneyText.Format(next.Discount, currency)} off).";
}
