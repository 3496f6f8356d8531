using PromotionEngine.Kernel;

namespace PromotionEngine.Settlement.Pricing;

/// <summary>What one coupon of a combination took off: the base it applied to, its discount and its share per line.</summary>
internal sealed record AppliedCoupon(Offer Offer, long Base, long Discount, IReadOnlyDictionary<int, long> Shares);

/// <summary>A combination applied to a cart, in stacking order.</summary>
internal sealed class Application
{
    public Application(IReadOnlyList<AppliedCoupon> coupons, long[] lineDiscounts, long shippingDiscount = 0)
    {
        Coupons = coupons;
        LineDiscounts = lineDiscounts;
        ShippingDiscount = shippingDiscount;
        Discount = coupons.Sum(c => c.Discount);
        Rank = Rank.Of(Discount, coupons.Select(c => c.Offer).ToList());
    }

    public IReadOnlyList<AppliedCoupon> Coupons { get; }

    /// <summary>The GIFT coupons of the combination: each gives its gift at price 0 (docs/gifts.md).</summary>
    public IEnumerable<Offer> Gifts => Coupons.Where(c => c.Offer.Slot == Slot.Gift).Select(c => c.Offer);

    /// <summary>The discount on each line (by index); with <see cref="ShippingDiscount"/> sums to <see cref="Discount"/> exactly.</summary>
    public long[] LineDiscounts { get; }

    /// <summary>What a FREE_SHIPPING coupon took off the shipping fee.</summary>
    public long ShippingDiscount { get; }

    public long Discount { get; }

    public Rank Rank { get; }
}

/// <summary>
/// The stacking rules. A combination holds at most one platform-slot coupon and at most one shop coupon per shop;
/// an exclusive coupon stands alone. Coupons apply in <see cref="Offer.Phase"/> order, each to what the coupons
/// before it left of its lines, and its discount is split over those lines by <see cref="Allocation"/>.
/// </summary>
internal static class Stacking
{
    public static IEnumerable<Offer> InOrder(IEnumerable<Offer> combination) =>
        combination.OrderBy(o => o.Phase).ThenBy(o => o.ShopId).ThenBy(o => o.Id.Value);

    public static Application Apply(Cart cart, IEnumerable<Offer> combination)
    {
        var remaining = (long[])cart.Amounts.Clone();
        var applied = new List<AppliedCoupon>();
        long shipping = 0;
        foreach (var offer in InOrder(combination))
        {
            if (offer.Slot == Slot.Gift) // a gift: nothing off, no line share
            {
                applied.Add(new AppliedCoupon(offer, 0, 0, new Dictionary<int, long>()));
                continue;
            }
            if (offer.Slot == Slot.Shipping) // the fee, not the lines: no line share
            {
                var off = offer.ShippingOff(cart.ShippingFee - shipping);
                shipping += off;
                applied.Add(new AppliedCoupon(offer, cart.ShippingFee, off, new Dictionary<int, long>()));
                continue;
            }
            long @base = 0;
            foreach (var i in offer.Lines) @base += remaining[i];
            var (discount, shares) = Take(offer, remaining);
            var byLine = new Dictionary<int, long>(offer.Lines.Length);
            for (var k = 0; k < offer.Lines.Length; k++)
            {
                remaining[offer.Lines[k]] -= shares[k];
                byLine[offer.Lines[k]] = shares[k];
            }
            applied.Add(new AppliedCoupon(offer, @base, discount, byLine));
        }
        var lineDiscounts = new long[cart.Amounts.Length];
        for (var i = 0; i < lineDiscounts.Length; i++) lineDiscounts[i] = cart.Amounts[i] - remaining[i];
        return new Application(applied, lineDiscounts, shipping);
    }

    /// <summary>
    /// What a line coupon takes off <paramref name="remaining"/> (what earlier coupons left of each line) and its share on each of
    /// its lines: split in proportion to what is left of them, or, for a BUY_X_GET_Y coupon, over the units it discounted.
    /// </summary>
    public static (long Discount, long[] Shares) Take(Offer offer, long[] remaining)
    {
        if (offer.Deal is { } deal) return deal.Take(offer.Lines, remaining);
        long @base = 0;
        foreach (var i in offer.Lines) @base += remaining[i];
        var discount = offer.DiscountOn(@base);
        return (discount, Allocation.Split(discount, remaining, offer.Lines));
    }

    /// <summary>The coupons of <paramref name="others"/> that <paramref name="offer"/> cannot be combined with.</summary>
    public static IReadOnlyList<UserCouponId> Conflicts(Offer offer, IEnumerable<Offer> others) =>
        others.Where(o => o.Id != offer.Id && !Combine(offer, o)).Select(o => o.Id).ToList();

    public static bool Combine(Offer a, Offer b) =>
        !a.Terms.Exclusive && !b.Terms.Exclusive && (a.Slot, b.Slot) switch
        {
            (Slot.Platform, Slot.Platform) => false,
            (Slot.Shop, Slot.Shop) => a.ShopId != b.ShopId,
            (Slot.Shipping, Slot.Shipping) => false,
            (Slot.Gift, Slot.Gift) => false, // one gift per order
            _ => true,
        };

    public static bool IsValid(IReadOnlyList<Offer> combination)
    {
        for (var a = 0; a < combination.Count; a++)
            for (var b = a + 1; b < combination.Count; b++)
                if (!Combine(combination[a], combination[b])) return false;
        return true;
    }
}
