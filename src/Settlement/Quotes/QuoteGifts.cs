using PromotionEngine.Contracts.Engine;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Kernel;

namespace PromotionEngine.Settlement.Quotes;

/// <summary>
/// What remains of each GIFT template's gift stock (docs/gifts.md), for the quote: one read of the engine's counters for all the
/// wallet's gift templates, none when no template gives a gift.
/// </summary>
internal sealed class QuoteGifts(ICouponTemplateCatalog catalog, ICouponBudgets budgets)
{
    public async Task<IReadOnlyDictionary<TemplateId, long>> RemainingAsync(IReadOnlyList<TemplateId> templates, CancellationToken ct)
    {
        var stocks = new Dictionary<TemplateId, GiftStock>();
        foreach (var (template, snapshot) in await catalog.FindManyAsync(templates, ct))
        {
            if (snapshot.Gift is { } gift) stocks[template] = gift;
        }
        if (stocks.Count == 0) return new Dictionary<TemplateId, long>();
        var usage = await budgets.UsageAsync(stocks.Values.Select(g => g.Key).Distinct().ToList(), ct);
        return stocks.ToDictionary(p => p.Key, p => usage[p.Value.Key].RemainingOf(p.Value.Stock));
    }
}
