using PromotionEngine.Contracts.Engine;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Kernel;
using PromotionEngine.Settlement.Pricing;

namespace PromotionEngine.Settlement.Quotes;

/// <summary>
/// What remains of the money budgets each template draws on (the least of its campaign's and its own), for the quote: the
/// templates asked of the catalog at once (<see cref="ICouponTemplateCatalog.FindManyAsync"/>), and at most one read of the
/// engine's counters for all the wallet's budgeted templates, none when no template has a budget. The read is
/// advisory (<see cref="ICouponBudgets.AdvisoryUsageAsync"/>; the lock checks the budget exactly): a budget is read again only
/// when what remains may be near what the wallet's coupons on it could take off together (the sum of their templates' largest
/// discounts, each coupon counted; unbounded when one has no largest discount), so far from a budget's end quotes reuse a
/// reading of the last second.
/// </summary>
internal sealed class QuoteBudgets(ICouponTemplateCatalog catalog, ICouponBudgets budgets)
{
    /// <summary>Each budgeted template's budgets with what remains of each, so coupons on one budget are held to it together.</summary>
    /// <param name="coupons">The wallet's coupons' templates, one entry per coupon.</param>
    /// <param name="terms">The templates' pricing terms (their largest discounts).</param>
    public async Task<IReadOnlyDictionary<TemplateId, IReadOnlyList<BudgetShare>>> SharesAsync(IReadOnlyList<TemplateId> coupons,
        IReadOnlyDictionary<TemplateId, TemplatePricingTerms> terms, CancellationToken ct)
    {
        var limits = new Dictionary<TemplateId, IReadOnlyList<BudgetLimit>>();
        foreach (var (template, snapshot) in await catalog.FindManyAsync(coupons.Distinct().ToList(), ct))
        {
            if (snapshot.BudgetTerms.Limits.Count > 0) limits[template] = snapshot.BudgetTerms.Limits;
        }
        if (limits.Count == 0) return new Dictionary<TemplateId, IReadOnlyList<BudgetShare>>();
        var near = new Dictionary<string, (long Limit, long Near)>(StringComparer.Ordinal);
        foreach (var template in coupons.Where(limits.ContainsKey))
        {
            var largest = terms.TryGetValue(template, out var t) && t.LargestDiscount is { } l ? l : long.MaxValue;
            foreach (var b in limits[template])
                near[b.Key] = (b.Limit, near.TryGetValue(b.Key, out var n) ? SaturatingSum(n.Near, largest) : largest);
        }
        var usage = await budgets.AdvisoryUsageAsync(near.Select(p => new AdvisoryBudget(p.Key, p.Value.Limit, p.Value.Near)).ToList(), ct);
        return limits.ToDictionary(p => p.Key,
            p => (IReadOnlyList<BudgetShare>)p.Value.Select(b => new BudgetShare(b.Key, usage[b.Key].RemainingOf(b.Limit))).ToList());
    }

    private static long SaturatingSum(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;
}
