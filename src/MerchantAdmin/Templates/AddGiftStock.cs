using System.Globalization;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.MerchantAdmin.Audit;

namespace PromotionEngine.MerchantAdmin.Templates;

/// <summary>Adds gifts to a GIFT template's gift stock (audited ADD_GIFT_STOCK); with an Idempotency-Key a retried request adds them once.</summary>
internal sealed class AddGiftStock(TemplateWriter writer, ICouponTemplates templates)
{
    public async Task<TemplateOutcome> HandleAsync(
        Caller caller, MerchantId merchant, TemplateId id, long quantity, IdempotencyKey? key, CancellationToken ct)
    {
        var hash = string.Create(CultureInfo.InvariantCulture, $"ADD_GIFT_STOCK|{id}|{quantity}");
        if (key is { } k && await templates.FindRequestAsync(merchant, k, ct) is { } earlier)
            return await writer.ReplayAsync(earlier, hash, ct);
        var request = key is { } k2 ? new MerchantRequest(merchant, k2, hash, id) : null;
        return await writer.ChangeAsync(caller, merchant, id, TemplateOperations.AddGiftStock, (t, now) => t.AddGiftStock(quantity, now), ct,
            request);
    }
}
