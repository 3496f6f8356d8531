using PromotionEngine.Settlement.Quotes;

namespace PromotionEngine.Settlement.Orders;

/// <summary>
/// What refunds do to a paid order's gifts (docs/gifts.md, "Refunds"). A gift is money-free, so no refund pays for it or claws
/// money back for it; instead the gift itself goes back to its template's gift stock once the order no longer qualifies for it:
/// the kept units of the GIFT coupon's lines (what is not refunded) fall below its threshold (list prices) or its minQuantity,
/// or nothing of the order is kept (the whole order refunded). Like the claw-back, it depends only on the units refunded so far,
/// so it happens once, in the refund that breaks the condition, however the refunds are split.
/// </summary>
internal static class GiftRefunds
{
    /// <summary>Each gift coupon's gift that a refund taking the order from <paramref name="before"/> to <paramref name="after"/> returns.</summary>
    public static IReadOnlyList<GiftReturn> ThisRefund(PinnedQuote order, IReadOnlyList<int> before, IReadOnlyList<int> after) =>
        order.Coupons.Where(c => c.Gift is not null && Qualifies(order, c, before) && !Qualifies(order, c, after))
            .Select(c => new GiftReturn(c.CouponId, c.TemplateId, c.Gift!.Sku, c.Gift.Quantity)).ToList();

    /// <summary>Whether the units kept after <paramref name="refunded"/> still earn the coupon's gift.</summary>
    public static bool Qualifies(PinnedQuote order, PinnedCoupon coupon, IReadOnlyList<int> refunded)
    {
        if (order.Lines.Select((l, i) => l.Quantity - refunded[i]).All(k => k == 0)) return false;
        var byLine = order.Lines.Select((l, i) => (l.Line, i)).ToDictionary(p => p.Line, p => p.i);
        long keptList = 0, keptUnits = 0;
        foreach (var line in coupon.Lines)
        {
            var at = byLine[line];
            var kept = order.Lines[at].Quantity - refunded[at];
            keptList += order.Lines[at].UnitPrice * kept;
            keptUnits += kept;
        }
        return (coupon.ThresholdAmount is not { } threshold || keptList >= threshold)
            && (coupon.Gift?.MinQuantity is not { } least || keptUnits >= least)
            && keptUnits > 0;
    }
}

/// <summary>One GIFT coupon's gift a refund returned to the gift stock: Quantity units of Sku.</summary>
internal sealed record GiftReturn(long CouponId, long TemplateId, string Sku, int Quantity);
