using System.Globalization;

namespace PromotionEngine.Settlement.Pricing;

/// <summary>
/// A BUY_X_GET_Y coupon on a cart (买二送一, 第二件半价: N-th item discounts). The units of the lines in its scope are counted
/// together: every X + Y of them earn Y discounted units, and the discounted units are the cheapest ones (list unit price, then
/// line order). Each takes PercentOff basis points off its list price (10000: free); the total is rounded down once and held to
/// the cap (MaxDiscountAmount). Computed on list prices, as thresholds and tiers are: the coupon takes the platform slot and
/// applies first.
/// </summary>
/// <param name="Units">The units of the lines in scope.</param>
/// <param name="Discounted">How many of them are discounted: ⌊Units / (X + Y)⌋ × Y.</param>
/// <param name="Discount">What the coupon takes off.</param>
/// <param name="Weights">Per cart line (by index): the list price of its discounted units; the discount is split over these.</param>
internal sealed record ItemDeal(long Units, long Discounted, long Discount, long[] Weights)
{
    public static ItemDeal On(PricingTerms terms, Cart cart, int[] lines)
    {
        var (buy, get, percent) = (terms.BuyQuantity ?? 0, terms.GetQuantity ?? 0, terms.PercentOff ?? 0);
        long units = 0;
        foreach (var i in lines) units += cart.Lines[i].Quantity;
        var discounted = UnitGroups.DiscountedUnits(units, buy, get);
        var weights = new long[cart.Lines.Count];
        var left = discounted;
        foreach (var i in lines.OrderBy(i => cart.Lines[i].UnitPrice).ThenBy(i => i))
        {
            if (left == 0) break;
            var take = Math.Min(left, cart.Lines[i].Quantity);
            weights[i] = cart.Lines[i].UnitPrice * take;
            left -= take;
        }
        long list = 0;
        foreach (var w in weights) list += w;
        return new ItemDeal(units, discounted, UnitGroups.Value(list, percent, terms.MaxDiscountAmount), weights);
    }

    /// <summary>How many more units in scope earn the first discounted ones (0 once they are earned).</summary>
    public static long Shortfall(long units, PricingTerms terms)
    {
        var group = (terms.BuyQuantity ?? 0) + (terms.GetQuantity ?? 0);
        return units >= group ? 0 : group - units;
    }

    /// <summary>"Add 1 more item to get 1 at 50% off." / "Add 2 more items to get 1 free." / (next) "… to get 1 more free."</summary>
    public static string Sentence(long shortfall, PricingTerms terms, bool next = false)
    {
        var get = terms.GetQuantity ?? 0;
        var what = terms.PercentOff is null or >= 10_000 ? "free" : $"at {Percent(terms.PercentOff.Value)} off";
        return $"Add {shortfall.ToString(CultureInfo.InvariantCulture)} more item{(shortfall == 1 ? "" : "s")} to get "
            + $"{get.ToString(CultureInfo.InvariantCulture)}{(next ? " more" : "")} {what}.";
    }

    /// <summary>1500 → "15%", 3333 → "33.33%".</summary>
    private static string Percent(int basisPoints) =>
        (basisPoints / 100m).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    /// <summary>
    /// The discount on what is left of the lines and its share on each: split over the discounted units' list prices (largest
    /// remainder, <see cref="Allocation"/>), never more than is left of a line. Applied first, it finds the lines whole.
    /// </summary>
    public (long Discount, long[] Shares) Take(int[] lines, long[] remaining)
    {
        var weights = new long[remaining.Length];
        long total = 0;
        foreach (var i in lines)
        {
            weights[i] = Math.Min(Weights[i], Math.Max(0, remaining[i]));
            total += weights[i];
        }
        var discount = Math.Min(Discount, total);
        return (discount, Allocation.Split(discount, weights, lines));
    }
}

/// <summary>The arithmetic of N-th item groups, shared by the quote and the refund policy.</summary>
internal static class UnitGroups
{
    /// <summary>⌊units / (buy + get)⌋ × get: the units that a count of units in scope earns at the reduced price.</summary>
    public static long DiscountedUnits(long units, int buy, int get) => buy + get <= 0 ? 0 : units / (buy + get) * get;

    /// <summary>⌊list × percentOff / 10000⌋, at most the cap: the discount on discounted units whose list prices add up to list.</summary>
    public static long Value(long list, int percentOff, long? cap) =>
        Math.Min(cap ?? long.MaxValue, (long)((Int128)list * percentOff / 10_000));
}
