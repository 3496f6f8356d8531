namespace PromotionEngine.Settlement.Pricing;

/// <summary>
/// How far a usable BUY_X_GET_Y coupon is from its next group: the units in scope to add to earn GetQuantity more discounted
/// units, and a sentence ("Add 2 more items to get 1 more free."). None once its cap is reached: more units take nothing more off.
/// </summary>
internal sealed record NextGroup(long ShortfallItems, int GetQuantity, string Message)
{
    public static NextGroup? Of(Offer offer)
    {
        if (offer.Deal is not { } deal || offer.Terms.MaxDiscountAmount is { } cap && deal.Discount >= cap) return null;
        var group = (offer.Terms.BuyQuantity ?? 0) + (offer.Terms.GetQuantity ?? 0);
        if (group <= 0) return null;
        var shortfall = group - deal.Units % group;
        return new NextGroup(shortfall, offer.Terms.GetQuantity ?? 0, ItemDeal.Sentence(shortfall, offer.Terms, next: true));
    }
}
