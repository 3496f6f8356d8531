namespace PromotionEngine.Settlement.Pricing;

/// <summary>How hard a search worked (for benchmarks and the worst-case report).</summary>
internal sealed class SearchStats
{
    public int Evaluations { get; set; }
    public int LargestFrontier { get; set; }
}

/// <summary>
/// The exact best combination under the stacking rules (<see cref="Stacking"/>, <see cref="Rank"/>), without
/// trying every subset. The structure the rules give:
/// <list type="bullet">
/// <item>an exclusive coupon stands alone: each is one candidate;</item>
/// <item>otherwise at most one platform-slot coupon P, tried in turn (or none);</item>
/// <item>with no P or a fixed P, each shop's coupon sees a base no other shop changes (a fixed P is split over its
/// lines by list price before the shops), so the total is a sum over shops and each shop's best coupon is chosen on
/// its own, the tie-breaks being per coupon too;</item>
/// <item>with a percentage P, which applies last to what the shops left of its lines, a shop's choice is a pair
/// (X: its discount, Y: the part of it on P's lines, which P no longer sees). The total X + min(cap, ⌊p·(A−Y)⌋)
/// is searched exactly over the shops with a frontier of partial choices, dropping a partial choice only when
/// another is at least as good for every completion (X − X' ≥ ⌈p·(Y − Y')⌉, ties broken by the rank) or when
/// even its best completion cannot reach the best total found.</item>
/// </list>
/// A FREE_SHIPPING coupon takes off the shipping fee, which no other coupon touches: the best of them (larger discount, then
/// the rank's tie-breaks, which are decided coupon by coupon) joins every non-exclusive candidate, and the line search runs
/// as without it, its bound lowered by that discount.
/// A GIFT coupon takes nothing off and a gift never lowers a combination's rank (<see cref="Rank"/>: gifts are not counted, and the
/// holder of a gift wins an otherwise equal tie), so the best gift (highest priority, then the smallest id) joins every non-exclusive
/// candidate too.
/// Every candidate is finally priced by <see cref="Stacking.Apply"/> itself, so the answer's figures are the rules'.
/// </summary>
internal static class BestCombination
{
    private sealed record Option(Offer Offer, long X, long Y);

    /// <summary>A choice for the shops seen so far under a percentage platform coupon.</summary>
    private sealed record Partial(long X, long Y, int Count, long Priority, long[] Ids, Offer[] Chosen);

    public static Application Find(Cart cart, IReadOnlyList<Offer> offers, SearchStats? stats = null)
    {
        var open = offers.Where(o => !o.Terms.Exclusive).ToList();
        var shipping = BestEach([open.Where(o => o.Slot == Slot.Shipping).OrderBy(o => o.Id.Value)
            .Select(o => new Option(o, o.ShippingOff(cart.ShippingFee), 0)).Where(o => o.X > 0).ToArray()]).FirstOrDefault();
        var gift = open.Where(o => o.Slot == Slot.Gift).OrderByDescending(o => o.Terms.Priority).ThenBy(o => o.Id.Value).FirstOrDefault();
        var search = new Search(cart, stats, shipping, gift);
        foreach (var exclusive in offers.Where(o => o.Terms.Exclusive)) search.ConsiderAlone(exclusive);

        var shops = open.Where(o => o.Slot == Slot.Shop).GroupBy(o => o.ShopId).OrderBy(g => g.Key)
            .Select(g => g.OrderBy(o => o.Id.Value).ToArray()).ToArray();
        var platforms = open.Where(o => o.Slot == Slot.Platform).OrderBy(o => o.Id.Value).ToList();

        // With no platform coupon, or a percentage one (it applies after them), shop coupons apply to list prices.
        var onList = shops.Select(s => OptionsOf(s, cart.Amounts, null)).ToArray();
        var listBest = BestEach(onList).ToList();
        search.Consider(listBest.Select(o => o.Offer), listBest.Sum(o => o.X));
        foreach (var platform in platforms)
        {
            if (platform.Terms.IsPercentage)
            {
                UnderPercentage(search, platform, shops, cart);
                continue;
            }
            var remaining = (long[])cart.Amounts.Clone();
            var (_, shares) = Stacking.Take(platform, remaining);
            for (var k = 0; k < shares.Length; k++) remaining[platform.Lines[k]] -= shares[k];
            var each = BestEach(shops.Select(s => OptionsOf(s, remaining, null)).ToArray()).ToList();
            search.Consider([platform, .. each.Select(o => o.Offer)], shares.Sum() + each.Sum(o => o.X));
        }
        return search.Best;
    }

    /// <param name="shipping">The best FREE_SHIPPING coupon, added to every combination of line coupons; null when none applies.</param>
    /// <param name="gift">The best GIFT coupon, added to every combination of line coupons; null when none qualifies.</param>
    private sealed class Search(Cart cart, SearchStats? stats, Option? shipping, Offer? gift)
    {
        public Application Best { get; private set; } = Stacking.Apply(cart, []);

        /// <summary>What a combination of line coupons must reach to beat the best: the best's discount less the shipping coupon's.</summary>
        public long Bar => Best.Discount - (shipping?.X ?? 0);

        /// <summary>Prices the combination by the rules, unless its <paramref name="total"/> (known exactly) cannot reach the best.</summary>
        public void Consider(IEnumerable<Offer> combination, long total)
        {
            if (total >= Bar) Consider(combination);
        }

        /// <summary>A combination of line coupons, with the shipping coupon and the gift coupon.</summary>
        public void Consider(IEnumerable<Offer> combination)
        {
            var all = shipping is null ? combination : combination.Append(shipping.Offer);
            Price(gift is null ? all : all.Append(gift));
        }

        /// <summary>An exclusive coupon stands alone.</summary>
        public void ConsiderAlone(Offer exclusive) => Price([exclusive]);

        private void Price(IEnumerable<Offer> combination)
        {
            var application = Stacking.Apply(cart, combination);
            if (stats is not null) stats.Evaluations++;
            if (application.Rank.IsBetterThan(Best.Rank)) Best = application;
        }

        public void Frontier(int size)
        {
            if (stats is not null && size > stats.LargestFrontier) stats.LargestFrontier = size;
        }
    }

    /// <summary>Each coupon of one shop priced on <paramref name="remaining"/>; Y is its part on <paramref name="platformLines"/>.</summary>
    private static Option[] OptionsOf(Offer[] shop, long[] remaining, bool[]? platformLines) =>
        shop.Select(offer =>
        {
            var x = offer.DiscountOn(Sum(remaining, offer.Lines));
            long y = 0;
            if (platformLines is not null)
            {
                var shares = Allocation.Split(x, remaining, offer.Lines);
                for (var k = 0; k < shares.Length; k++) if (platformLines[offer.Lines[k]]) y += shares[k];
            }
            return new Option(offer, x, y);
        }).Where(o => o.X > 0).ToArray();

    /// <summary>
    /// The best coupon of each shop when shops add up: the larger discount, then the rank's tie-breaks (none beats a
    /// coupon that gives nothing).
    /// </summary>
    private static IEnumerable<Option> BestEach(Option[][] shops)
    {
        foreach (var options in shops)
        {
            Option? best = null;
            foreach (var o in options)
            {
                if (best is null || o.X > best.X || (o.X == best.X && Rank.CompareTies(1, o.Offer.Terms.Priority, [o.Offer.Id.Value],
                        1, best.Offer.Terms.Priority, [best.Offer.Id.Value]) > 0))
                    best = o;
            }
            if (best is not null) yield return best;
        }
    }

    private static void UnderPercentage(Search search, Offer platform, Offer[][] shops, Cart cart)
    {
        var onPlatform = new bool[cart.Amounts.Length];
        foreach (var i in platform.Lines) onPlatform[i] = true;
        var covered = Sum(cart.Amounts, platform.Lines);
        var terms = platform.Terms;
        long percent = terms.PercentOff ?? 0;
        var cap = terms.MaxDiscountAmount ?? long.MaxValue;
        long PlatformDiscount(long y) => Math.Min(cap, (long)((Int128)(covered - y) * percent / 10_000));
        long Drop(long dy) => dy <= 0 ? 0 : (long)(((Int128)dy * percent + 9_999) / 10_000); // ⌈p·dy⌉: the most P can lose

        var options = shops.Select(s => OptionsOf(s, cart.Amounts, onPlatform)).Where(o => o.Length > 0).ToArray();

        // Good incumbents first, so the bound prunes early: each shop's best by X − p·Y, and by X alone.
        search.Consider([platform, .. options.Select(o => o.MaxBy(x => (Int128)x.X * 10_000 - (Int128)x.Y * percent)!.Offer)]);
        search.Consider([platform, .. BestEach(options).Select(o => o.Offer)]);

        var bestRest = new long[options.Length + 1]; // the most X the shops from k on can add
        for (var k = options.Length - 1; k >= 0; k--) bestRest[k] = bestRest[k + 1] + options[k].Max(o => o.X);

        var frontier = new List<Partial> { new(0, 0, 0, 0, [], []) };
        for (var k = 0; k < options.Length; k++)
        {
            var next = new List<Partial>(frontier.Count * (options[k].Length + 1));
            foreach (var p in frontier)
            {
                next.Add(p); // this shop uses no coupon
                foreach (var o in options[k])
                    next.Add(new Partial(p.X + o.X, p.Y + o.Y, p.Count + 1, p.Priority + o.Offer.Terms.Priority,
                        Insert(p.Ids, o.Offer.Id.Value), [.. p.Chosen, o.Offer]));
            }
            var bar = search.Bar;
            next.RemoveAll(p => p.X + bestRest[k + 1] + PlatformDiscount(p.Y) < bar);
            next.Sort((a, b) => a.X != b.X ? b.X.CompareTo(a.X) : a.Y != b.Y ? a.Y.CompareTo(b.Y) : -Ties(a, b));
            frontier = [];
            foreach (var candidate in next)
            {
                if (!frontier.Any(kept => Dominates(kept, candidate))) frontier.Add(candidate);
            }
            search.Frontier(frontier.Count);
        }
        foreach (var p in frontier) search.Consider([platform, .. p.Chosen], p.X + PlatformDiscount(p.Y));

        bool Dominates(Partial a, Partial b)
        {
            var margin = a.X - b.X - Drop(a.Y - b.Y); // a's total minus b's, at least, whatever the other shops choose
            return margin > 0 || (margin == 0 && Ties(a, b) > 0);
        }
    }

    private static int Ties(Partial a, Partial b) => Rank.CompareTies(a.Count, a.Priority, a.Ids, b.Count, b.Priority, b.Ids);

    private static long[] Insert(long[] sorted, long id)
    {
        var result = new long[sorted.Length + 1];
        var at = Array.BinarySearch(sorted, id);
        at = at < 0 ? ~at : at;
        Array.Copy(sorted, result, at);
        result[at] = id;
        Array.Copy(sorted, at, result, at + 1, sorted.Length - at);
        return result;
    }

    private static long Sum(long[] values, int[] lines)
    {
        long sum = 0;
        foreach (var i in lines) sum += values[i];
        return sum;
    }
}
