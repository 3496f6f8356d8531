using PromotionEngine.Contracts.Engine;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Kernel;

// Two modules that call each other through Contracts ports, each in a namespace of its own (the proof in
// EveryRuleCanFail treats each namespace as a module): the catalog asks the issuance, which asks the catalog back.

namespace PromotionEngine.Architecture.Tests.Offending.Cycle.Catalog
{
    /// <summary>Answers the template catalog port from the issuance port: catalog → whoever issues.</summary>
    internal sealed class IssuedTemplates(ICouponIssuance issuance) : ICouponTemplateCatalog
    {
        public async Task<CouponTemplateSnapshot?> FindAsync(TemplateId id, CancellationToken ct) =>
            (await issuance.IssuedAsync([id], ct)).TryGetValue(id, out var issued)
                ? new CouponTemplateSnapshot(
                    id, new MerchantId(1), "CNY", false, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, null, issued, 1, 1)
                : null;
    }
}

namespace PromotionEngine.Architecture.Tests.Offending.Cycle.Issuance
{
    /// <summary>Answers the issuance port from the template catalog port: issuance → whoever catalogs, closing the circle.</summary>
    internal sealed class CatalogedIssuance(ICouponTemplateCatalog catalog) : ICouponIssuance
    {
        public async Task<IReadOnlyDictionary<TemplateId, long>> IssuedAsync(IReadOnlyCollection<TemplateId> templates, CancellationToken ct)
        {
            var issued = new Dictionary<TemplateId, long>();
            foreach (var id in templates)
            {
                if (await catalog.FindAsync(id, ct) is { } template) issued[id] = template.Stock;
            }
            return issued;
        }
    }
}
