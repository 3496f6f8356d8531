using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Kernel;

namespace PromotionEngine.MerchantAdmin.Templates;

/// <summary>Answers other modules' questions about templates (the query port in Contracts).</summary>
internal sealed class TemplateCatalog(ICouponTemplates templates) : ICouponTemplateCatalog
{
    public async Task<CouponTemplateSnapshot?> FindAsync(TemplateId id, CancellationToken ct) =>
        await templates.FindAsync(id, ct) is { } t
            ? new CouponTemplateSnapshot(t.Id, t.Merchant, t.Currency, t.TerminatedAt is not null, t.ValidFrom, t.ValidUntil,
                t.ValidityAfterClaim, t.Stock, t.PerUserLimit, t.Version)
            : null;
}
