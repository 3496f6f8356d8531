using System.Globalization;

namespace PromotionEngine.Settlement.Pricing;

/// <summary>
/// A GIFT coupon on a cart (docs/gifts.md): it qualifies once its threshold is met (checked before, as for every coupon) and the
/// lines in its scope hold at least its gift's minQuantity units; it is usable while its template's gift stock can still cover its
/// gift (GIFT_OUT_OF_STOCK otherwise, for a lock of it would be refused).
/// </summary>
internal static class GiftCheck
{
    public static (Offer? Offer, Unusable? Why) Qualifies(WalletCoupon c, Offer offer, Cart cart)
    {
        var gift = offer.Terms.Gift!;
        long units = 0;
        foreach (var i in offer.Lines) units += cart.Lines[i].Quantity;
        if (gift.MinQuantity is { } least && units < least)
        {
            var missing = (int)(least - units);
            var items = missing == 1 ? "1 more item" : missing.ToString(CultureInfo.InvariantCulture) + " more items";
            return (null, new Unusable(c.Id, c.Template, Reasons.BelowQuantity, $"Add {items} to get the gift {gift.Sku}.",
                ShortfallItems: missing));
        }
        if (c.GiftRemaining is { } left && left < gift.Quantity)
        {
            return (null, new Unusable(c.Id, c.Template, Reasons.GiftOutOfStock,
                $"The gift {gift.Sku} is out of stock ({left} left, {gift.Quantity} per order)."));
        }
        return (offer, null);
    }
}
