using PromotionEngine.Settlement.Pricing;
using PromotionEngine.Settlement.Quotes;

namespace PromotionEngine.Settlement.Orders;

/// <summary>
/// What the kept units of a BUY_X_GET_Y coupon's lines may keep of its discount after a refund (docs/settlement.md, "Refunds"):
/// the least discount the deal gives any part of the order that holds every kept unit (the kept units, or the kept units with
/// some of the refunded ones back). Recounting the deal on the kept units alone is not enough: refunding a cheap unit can make a
/// dearer one the discounted unit, so the kept units would earn more after a refund than before it, and a claw-back taken by an
/// earlier refund would come back. This is the largest amount that never rises as units leave (so a claw-back stays a claw-back
/// and refunds in any steps add up) and never exceeds what the kept units earn bought on their own.
/// </summary>
internal static class DealEntitlement
{
    /// <param name="prices">The list unit price of each of the coupon's lines.</param>
    /// <param name="quantities">Each line's units in the order.</param>
    /// <param name="kept">Each line's units not refunded.</param>
    public static long Of(PinnedDeal deal, IReadOnlyList<long> prices, IReadOnlyList<int> quantities, IReadOnlyList<int> kept)
    {
        var group = deal.Buy + deal.Get;
        if (group <= 0 || deal.Get <= 0) return 0;
        var order = Enumerable.Range(0, prices.Count).OrderBy(i => prices[i]).ThenBy(i => i).ToArray();
        var sorted = new Units(order.Select(i => prices[i]).ToArray(), order.Select(i => (long)kept[i]).ToArray(),
            order.Select(i => (long)(quantities[i] - kept[i])).ToArray());
        var keptUnits = sorted.Kept.Sum();
        var allUnits = keptUnits + sorted.Refunded.Sum();

        // A part of n units holding the kept ones earns ⌊n / group⌋ × get discounted units; the cheapest such part adds back the
        // cheapest refunded units. Within one count of groups more units only lower the sum, so only the largest n of each
        // count matters: n = (g + 1) × group − 1 below the order's own count, and the whole order at it.
        var (best, _, _) = sorted.Cheapest(allUnits - keptUnits, allUnits / group * deal.Get);
        long At(long g, out (int, int) where)
        {
            var (sum, a, m) = sorted.Cheapest((g + 1) * group - 1 - keptUnits, g * deal.Get);
            where = (a, m);
            return sum;
        }
        var last = allUnits / group - 1;
        for (var g = keptUnits / group; g <= last;)
        {
            best = Math.Min(best, At(g, out var where));
            // The sum is linear in g while the last unit added back and the last unit counted lie in the same lines: only the
            // ends of such a run need pricing. The run ends where either moves on (each moves one way only as g grows).
            long lo = g, hi = last;
            while (lo < hi)
            {
                var mid = lo + (hi - lo + 1) / 2;
                At(mid, out var there);
                if (there == where) lo = mid;
                else hi = mid - 1;
            }
            if (lo > g) best = Math.Min(best, At(lo, out _));
            g = lo + 1;
        }
        return UnitGroups.Value(best, deal.PercentOff, deal.Cap);
    }

    /// <summary>Lines sorted by unit price: their prices, kept units and refunded units.</summary>
    private sealed record Units(long[] Prices, long[] Kept, long[] Refunded)
    {
        /// <summary>
        /// The list price of the <paramref name="count"/> cheapest units among the kept ones and the <paramref name="added"/> cheapest
        /// refunded ones; with the line of the last unit added back and of the last unit counted (-1: none).
        /// </summary>
        public (long Sum, int LastAdded, int LastCounted) Cheapest(long added, long count)
        {
            long sum = 0;
            int lastAdded = -1, lastCounted = -1;
            for (var i = 0; i < Prices.Length; i++)
            {
                var back = Math.Min(Refunded[i], added);
                added -= back;
                if (back > 0) lastAdded = i;
                var take = Math.Min(Kept[i] + back, count);
                count -= take;
                if (take > 0) lastCounted = i;
                sum += Prices[i] * take;
            }
            return (sum, lastAdded, lastCounted);
        }
    }
}
