using PromotionEngine.Contracts.Engine;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Kernel;

namespace PromotionEngine.Settlement.Quotes;

/// <summary>
/// What remains of the money budgets each template draws on (the least of its campaign's and its own), for the quote: one
/// read of the engine's counters for all the wallet's budgeted templates, none when no template has a budget.
/// </summary>
internal sealed class QuoteBudgets(ICouponTemplateCatalog catalog, ICouponBudgets budgets)
{
    public async Task<IReadOnlyDictionary<TemplateId, long>> RemainingAsync(IReadOnlyList<TemplateId> templates, CancellationToken ct)
    {
        var limits = new Dictionary<TemplateId, IReadOnlyList<BudgetLimit>>();
        foreach (var template in templates)
        {
            if (await catalog.FindAsync(template, ct) is { BudgetTerms.Limits.Count: > 0 } snapshot) limits[template] = snapshot.BudgetTerms.Limits;
        }
        if (limits.Count == 0) return new Dictionary<TemplateId, long>();
        var usage = await budgets.UsageAsync(limits.Values.SelectMany(l => l.Select(b => b.Key)).Distinct().ToList(), ct);
        return limits.ToDictionary(p => p.Key, p => p.Value.Min(b => usage[b.Key].RemainingOf(b.Limit)));
    }
}
