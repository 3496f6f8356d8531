using PromotionEngine.Contracts.Engine;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Kernel;
using PromotionEngine.Settlement.Pricing;

namespace PromotionEngine.Settlement.Quotes;

/// <summary>
/// What remains of the money budgets each template draws on (the least of its campaign's and its own), for the quote: one
/// read of the engine's counters for all the wallet's budgeted templates, none when no template has a budget.
/// </summary>
internal sealed class QuoteBudgets(ICouponTemplateCatalog catalog, ICouponBudgets budgets)
{
    /// <summary>Each budgeted template's budgets with what remains of each, so coupons on one budget are held to it together.</summary>
    public async Task<IReadOnlyDictionary<TemplateId, IReadOnlyList<BudgetShare>>> SharesAsync(IReadOnlyList<TemplateId> templates,
        CancellationToken ct)
    {
        var limits = new Dictionary<TemplateId, IReadOnlyList<BudgetLimit>>();
        foreach (var template in templates)
        {
            if (await catalog.FindAsync(template, ct) is { BudgetTerms.Limits.Count: > 0 } snapshot) limits[template] = snapshot.BudgetTerms.Limits;
        }
        if (limits.Count == 0) return new Dictionary<TemplateId, IReadOnlyList<BudgetShare>>();
        var usage = await budgets.UsageAsync(limits.Values.SelectMany(l => l.Select(b => b.Key)).Distinct().ToList(), ct);
        return limits.ToDictionary(p => p.Key,
            p => (IReadOnlyList<BudgetShare>)p.Value.Select(b => new BudgetShare(b.Key, usage[b.Key].RemainingOf(b.Limit))).ToList());
    }
}
