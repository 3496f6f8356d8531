using PromotionEngine.Settlement.Quotes;

namespace PromotionEngine.Settlement.Orders;

/// <summary>
/// What a paid order's refunds are worth, from the allocation pinned when it was quoted (docs/settlement.md, "Refunds").
/// Everything is a function of how many units of each line are refunded so far, so refunds in any number of steps add up
/// exactly to one refund of the same units, and the last one to the whole payable:
/// <list type="bullet">
/// <item>a kept unit keeps its share of each coupon's discount, rounded down (⌊share × kept / quantity⌋ per line);</item>
/// <item>refunded goods = list price of the refunded units − the discount that went with them (what they were paid);</item>
/// <item>shipping comes back with the last unit: what was paid for it (the fee less a FREE_SHIPPING coupon's discount);</item>
/// <item>claw-back: a coupon with a threshold that the kept units' list prices (of its lines) no longer meet loses its
///   discount on the kept units too; a tiered coupon keeps on them at most the discount of the highest tier they still reach;
///   a BUY_X_GET_Y coupon at most what its deal gives them (<see cref="DealEntitlement"/>);</item>
/// <item>due = refunded goods + shipping − claw-back; what was paid out never goes down (payout = the rise of due above
///   what was paid out), and what was paid out beyond due is outstanding: the buyer owes it back.</item>
/// </list>
/// Coupons are restored only when the whole order is refunded. The same figures per coupon (<see cref="Coupons"/>), and what one
/// refund takes back of each coupon's discount (<see cref="ThisRefund"/>), tell clearing who gave back what.
/// </summary>
internal static class RefundPolicy
{
    public static RefundFigures Assess(PinnedQuote order, IReadOnlyList<int> refundedUnits, long paidOutBefore)
    {
        var coupons = Coupons(order, refundedUnits);
        long goods = 0;
        for (var i = 0; i < order.Lines.Count; i++) goods += order.Lines[i].UnitPrice * refundedUnits[i];
        var whole = refundedUnits.Select((r, i) => r == order.Lines[i].Quantity).All(all => all);
        var shippingOff = order.Coupons.Sum(c => c.Shipping); // what FREE_SHIPPING coupons took off the fee: returned with it
        // The refunded units' list price less the discount that left with them (a shipping coupon's leaves with the fee).
        goods -= coupons.Sum(c => c.Returned) - (whole ? shippingOff : 0);
        var clawback = coupons.Sum(c => c.ClawedBack);
        var shipping = whole ? order.ShippingFee - shippingOff : 0; // what was paid for shipping
        var due = goods + shipping - clawback;
        var paidOut = Math.Max(paidOutBefore, due);
        return new RefundFigures(goods, shipping, clawback, due, paidOut - paidOutBefore, paidOut, paidOut - due, whole);
    }

    /// <summary>
    /// Each coupon's part of <see cref="Assess"/>'s figures as of these refunded units, in the allocation's order: Returned, the
    /// discount that left with the refunded units (its discount − ⌊share × kept / quantity⌋ over its lines); ClawedBack, the
    /// kept units' share when its threshold no longer holds on their list prices. Over the coupons, Returned adds up to the list
    /// price of the refunded units − RefundedGoods, and ClawedBack to Clawback. Both are totals so far, and a claw-back total
    /// can fall: the units it was taken from may be refunded later, their discount then counting as returned.
    /// </summary>
    public static IReadOnlyList<CouponRefund> Coupons(PinnedQuote order, IReadOnlyList<int> refundedUnits)
    {
        if (refundedUnits.Count != order.Lines.Count) throw new ArgumentException("One count per order line.", nameof(refundedUnits));
        var kept = order.Lines.Select((l, i) => l.Quantity - refundedUnits[i]).ToArray();
        if (kept.Any(k => k < 0) || refundedUnits.Any(r => r < 0))
            throw new ArgumentException("More units refunded than the line has.", nameof(refundedUnits));
        var byLine = order.Lines.Select((l, i) => (l.Line, i)).ToDictionary(p => p.Line, p => p.i);
        var whole = kept.All(k => k == 0);
        var coupons = new List<CouponRefund>(order.Coupons.Count);
        foreach (var coupon in order.Coupons)
        {
            long keptShare = whole ? 0 : coupon.Shipping, keptList = 0; // a shipping discount stays while any unit is kept
            for (var j = 0; j < coupon.Lines.Count; j++)
            {
                var at = byLine[coupon.Lines[j]];
                var line = order.Lines[at];
                keptShare += KeptShare(coupon.Shares[j], kept[at], line.Quantity);
                keptList += line.UnitPrice * kept[at];
            }
            var keeps = Math.Min(keptShare, coupon.Deal is { } deal ? EntitledByDeal(order, coupon, deal, kept, byLine) : Entitled(coupon, keptList));
            coupons.Add(new CouponRefund(coupon.CouponId, coupon.TemplateId, coupon.Discount - keptShare, keptShare - keeps));
        }
        return coupons;
    }

    /// <summary>
    /// What one refund takes back of each coupon's discount (in the allocation's order), the refund taking the order from
    /// <paramref name="refundedBefore"/> units per line to <paramref name="refundedAfter"/>. From the coupon's
    /// <see cref="Coupons"/> totals before and after:
    /// <list type="bullet">
    /// <item>ClawedBack: how far its claw-back total rose (never below 0);</item>
    /// <item>Returned: the rest of what its Returned + ClawedBack total rose by.</item>
    /// </list>
    /// Both are never negative (Returned totals only rise as units leave; so does Returned + ClawedBack: once a threshold broke
    /// the coupon's whole discount is taken back, and a claw-back total only falls afterwards, its units being refunded). So a
    /// claw-back stays a claw-back: refunding the units it was taken from later takes nothing more. Each refund's amounts depend
    /// only on the units before and after it, and over any refunds they add up, per coupon, to its Returned + ClawedBack total
    /// as of the units refunded so far, and so to its discount once the whole order is refunded.
    /// </summary>
    public static IReadOnlyList<CouponRefund> ThisRefund(PinnedQuote order, IReadOnlyList<int> refundedBefore, IReadOnlyList<int> refundedAfter)
    {
        var before = Coupons(order, refundedBefore);
        return Coupons(order, refundedAfter).Select((after, k) =>
        {
            var clawing = Math.Max(0, after.ClawedBack - before[k].ClawedBack);
            var returning = after.Returned + after.ClawedBack - before[k].Returned - before[k].ClawedBack - clawing;
            if (returning < 0)
                throw new ArgumentException(
                    $"Coupon {after.CouponId}: fewer units are refunded after this refund than before.", nameof(refundedAfter));
            return after with { Returned = returning, ClawedBack = clawing };
        }).ToList();
    }

    /// <summary>
    /// The most discount the kept units (list price <paramref name="keptList"/> on the coupon's lines) may keep: a tiered coupon the
    /// discount of the highest tier they still reach (0 below the first); a coupon with a threshold they no longer meet 0; any
    /// other coupon everything. It only falls as units leave, so a claw-back total plus what was returned only rises.
    /// </summary>
    private static long Entitled(PinnedCoupon coupon, long keptList)
    {
        if (coupon.Tiers is { Count: > 0 } tiers)
        {
            long reached = 0;
            foreach (var tier in tiers)
                if (tier.Threshold <= keptList) reached = tier.Discount;
            return reached;
        }
        return coupon.ThresholdAmount is { } threshold && keptList < threshold ? 0 : long.MaxValue;
    }

    /// <summary>A BUY_X_GET_Y coupon: what its kept units may keep (<see cref="DealEntitlement"/>); it too only falls as units leave.</summary>
    private static long EntitledByDeal(PinnedQuote order, PinnedCoupon coupon, PinnedDeal deal, int[] kept, Dictionary<int, int> byLine)
    {
        var lines = coupon.Lines.Select(l => byLine[l]).ToArray();
        return DealEntitlement.Of(deal, lines.Select(i => order.Lines[i].UnitPrice).ToArray(), lines.Select(i => order.Lines[i].Quantity).ToArray(),
            lines.Select(i => kept[i]).ToArray());
    }

    /// <summary>⌊share × kept / quantity⌋, exact for any amounts (the product may pass 2^63).</summary>
    public static long KeptShare(long share, int kept, int quantity) => (long)((Int128)share * kept / quantity);
}

/// <summary>
/// What refunds take back of one coupon's discount (the allocation's coupon id and its template): Returned, the part that left
/// with refunded units; ClawedBack, the part on kept units whose threshold no longer holds. Totals so far or one refund's
/// amounts, as the method that makes it says.
/// </summary>
internal sealed record CouponRefund(long CouponId, long TemplateId, long Returned, long ClawedBack);

/// <summary>
/// A paid order's refunds as of now. RefundedGoods, RefundedShipping, Clawback and Due are totals so far; Payout is what
/// this refund adds; PaidOut the total paid back; Outstanding what the buyer owes back (PaidOut − Due). Whole: nothing is kept.
/// </summary>
internal sealed record RefundFigures(
    long RefundedGoods, long RefundedShipping, long Clawback, long Due, long Payout, long PaidOut, long Outstanding, bool Whole);

/// <summary>Which units a refund takes back, by sku.</summary>
internal static class RefundUnits
{
    public const string LineUnknown = "REFUND_LINE_UNKNOWN";
    public const string ExceedsOrder = "REFUND_EXCEEDS_ORDER";
    public const string NothingToRefund = "NOTHING_TO_REFUND";

    /// <summary>
    /// Units refunded per line after this refund: <paramref name="lines"/> null takes every unit left; a sku that several
    /// lines share is taken from the first of them first. Null with a code when the refund names an unknown sku, more units
    /// than are left, or nothing is left.
    /// </summary>
    public static (IReadOnlyList<int>? After, string? Code, string? Message) After(
        PinnedQuote order, IReadOnlyList<int> before, IReadOnlyList<SkuQuantity>? lines)
    {
        var after = before.ToArray();
        if (lines is null)
        {
            for (var i = 0; i < after.Length; i++) after[i] = order.Lines[i].Quantity;
        }
        else
        {
            foreach (var line in lines)
            {
                var left = line.Quantity;
                var any = false;
                for (var i = 0; i < after.Length && left > 0; i++)
                {
                    if (order.Lines[i].Sku != line.Sku) continue;
                    any = true;
                    var take = Math.Min(left, order.Lines[i].Quantity - after[i]);
                    after[i] += take;
                    left -= take;
                }
                if (!any) return (null, LineUnknown, $"The order has no line with sku {line.Sku}.");
                if (left > 0) return (null, ExceedsOrder, $"{line.Quantity} units of {line.Sku} are more than the order has left to refund.");
            }
        }
        return after.SequenceEqual(before) ? (null, NothingToRefund, "Every unit of the order is refunded already.") : (after, null, null);
    }
}
