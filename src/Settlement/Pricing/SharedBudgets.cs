using PromotionEngine.Kernel;

namespace PromotionEngine.Settlement.Pricing;

/// <summary>One money budget a coupon's template draws on (the campaign's or its own) and what remains of it as of the quote.</summary>
internal sealed record BudgetShare(string Key, long Remaining);

/// <summary>
/// Coupons whose templates draw on one money budget are held to it together: a combination is offered (or a pick accepted) only
/// when, for every budget, what its coupons take off in that combination is no more than what remains of it. (Each coupon alone is
/// already held to its budgets by <see cref="BudgetCheck"/>.)
/// </summary>
internal static class SharedBudgets
{
    /// <summary>At most this many searches per quote once budgets are shared: the branching below is exponential at worst.</summary>
    public const int MaxSearches = 64;

    /// <summary>
    /// The best combination the budgets cover. The exact search runs on the offers; when its best overspends a budget, one of the
    /// coupons on that budget must go, so the search runs again without each of them in turn (a branch per coupon, each set of
    /// offers searched once), and a branch whose unconstrained best cannot beat the best covered combination found is not split
    /// further. The first combination to beat is the greedy one (<see cref="Greedy"/>: on an overspent budget keep the largest
    /// discounts that fit), and at most <see cref="MaxSearches"/> searches run: beyond that the best found stands, which always
    /// fits. With no budget drawn on by two offers this is <see cref="BestCombination.Find"/>, nothing more.
    /// </summary>
    public static Application Best(Cart cart, IReadOnlyList<Offer> offers, IReadOnlyDictionary<UserCouponId, IReadOnlyList<BudgetShare>> budgets,
        SearchStats? stats = null)
    {
        var all = BestCombination.Find(cart, offers, stats);
        // The best of all offers that its budgets cover is the answer: nothing beats it (far from a budget's end, every quote).
        if (!AnyShared(offers, budgets) || Overspent(all, budgets).Count == 0) return all;
        var best = Greedy(cart, offers, all, budgets, stats);
        var searched = new HashSet<string>(StringComparer.Ordinal);
        Search(offers, all);
        return best;

        void Search(IReadOnlyList<Offer> within, Application? known = null)
        {
            if (searched.Count >= MaxSearches || !searched.Add(string.Join(',', within.Select(o => o.Id.Value).Order()))) return;
            var found = known ?? BestCombination.Find(cart, within, stats);
            if (!found.Rank.IsBetterThan(best.Rank)) return; // nothing within beats it, so nothing within beats the best
            var over = Overspent(found, budgets);
            if (over.Count == 0)
            {
                best = found;
                return;
            }
            foreach (var id in over) Search(within.Where(o => o.Id != id).ToList());
        }
    }

    /// <summary>
    /// While the best overspends a budget: on each such budget keep its coupons largest discount first while they fit (ties: the
    /// older), drop the others, and search again. Each round drops at least one offer.
    /// </summary>
    /// <param name="all">The best of all <paramref name="offers"/>, searched already.</param>
    private static Application Greedy(Cart cart, IReadOnlyList<Offer> offers, Application all,
        IReadOnlyDictionary<UserCouponId, IReadOnlyList<BudgetShare>> budgets, SearchStats? stats)
    {
        var within = offers.ToList();
        for (var found = all; ; found = BestCombination.Find(cart, within, stats))
        {
            if (Overspent(found, budgets).Count == 0) return found;
            var drop = new HashSet<UserCouponId>();
            var onBudget = found.Coupons.Where(c => budgets.ContainsKey(c.Offer.Id))
                .SelectMany(c => budgets[c.Offer.Id].Select(b => (b.Key, b.Remaining, Coupon: c)))
                .GroupBy(x => x.Key, StringComparer.Ordinal);
            foreach (var budget in onBudget)
            {
                var left = budget.First().Remaining;
                foreach (var (_, _, coupon) in budget.OrderByDescending(x => x.Coupon.Discount).ThenBy(x => x.Coupon.Offer.Id.Value))
                {
                    if (coupon.Discount <= left) left -= coupon.Discount;
                    else drop.Add(coupon.Offer.Id);
                }
            }
            within.RemoveAll(o => drop.Contains(o.Id));
        }
    }

    /// <summary>The coupons of the combination on a budget it overspends, in id order (empty when every budget covers it).</summary>
    public static IReadOnlyList<UserCouponId> Overspent(Application application,
        IReadOnlyDictionary<UserCouponId, IReadOnlyList<BudgetShare>> budgets)
    {
        var taken = new Dictionary<string, (long Sum, long Remaining, List<UserCouponId> Coupons)>(StringComparer.Ordinal);
        foreach (var applied in application.Coupons)
        {
            if (!budgets.TryGetValue(applied.Offer.Id, out var shares)) continue;
            foreach (var share in shares)
            {
                var (sum, _, coupons) = taken.TryGetValue(share.Key, out var t) ? t : (0L, share.Remaining, new List<UserCouponId>());
                coupons.Add(applied.Offer.Id);
                taken[share.Key] = (sum + applied.Discount, share.Remaining, coupons);
            }
        }
        return taken.Values.Where(t => t.Sum > t.Remaining).SelectMany(t => t.Coupons).Distinct().OrderBy(id => id.Value).ToList();
    }

    private static bool AnyShared(IReadOnlyList<Offer> offers, IReadOnlyDictionary<UserCouponId, IReadOnlyList<BudgetShare>> budgets)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var offer in offers)
        {
            if (!budgets.TryGetValue(offer.Id, out var shares)) continue;
            foreach (var share in shares.Select(s => s.Key).Distinct(StringComparer.Ordinal))
                if (!seen.Add(share)) return true;
        }
        return false;
    }
}
