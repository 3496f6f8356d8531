using System.Collections.Concurrent;
using PromotionEngine.Contracts.Events.MerchantAdmin.V1;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Kernel;

namespace PromotionEngine.MerchantAdmin.Templates;

/// <summary>
/// The pricing port: scope, benefit and stacking terms of templates. They never change after creation, so they are
/// kept in memory once read (bounded: the oldest half is dropped when full); only templates not seen yet are read,
/// all in one query.
/// </summary>
internal sealed class TemplatePricing(ICouponTemplates templates) : ICouponPricingTerms
{
    private const int Capacity = 200_000;
    private readonly ConcurrentDictionary<TemplateId, TemplatePricingTerms> _known = new();

    public async Task<IReadOnlyDictionary<TemplateId, TemplatePricingTerms>> FindAsync(IReadOnlyCollection<TemplateId> ids, CancellationToken ct)
    {
        var found = new Dictionary<TemplateId, TemplatePricingTerms>(ids.Count);
        var missing = new List<TemplateId>();
        foreach (var id in ids.Distinct())
        {
            if (_known.TryGetValue(id, out var terms)) found[id] = terms;
            else missing.Add(id);
        }
        if (missing.Count == 0) return found;
        if (_known.Count + missing.Count > Capacity)
            foreach (var old in _known.Keys.Take(Capacity / 2).ToList()) _known.TryRemove(old, out _);
        foreach (var t in await templates.FindManyAsync(missing, ct))
            found[t.Id] = _known[t.Id] = TermsOf(t);
        return found;
    }

    /// <summary>From the template's state, the one mapping of the aggregate (<see cref="TemplateStates.Of"/>).</summary>
    private static TemplatePricingTerms TermsOf(CouponTemplate t) => TermsOf(TemplateStates.Of(t, t.Version));

    private static TemplatePricingTerms TermsOf(TemplateState s) => new(new TemplateId(s.TemplateId), new MerchantId(s.MerchantId), s.Currency,
        s.Scope, s.ShopId, s.ProductIds, s.CategoryIds, s.Type, s.DiscountAmount, s.ThresholdAmount, s.PercentOff, s.MaxDiscountAmount,
        s.Exclusive, s.Priority, s.Tiers,
        s.Gift is { } gift ? new PricingGift(gift.Sku, gift.Quantity, gift.MinQuantity) : null, s.BuyQuantity, s.GetQuantity);
}
