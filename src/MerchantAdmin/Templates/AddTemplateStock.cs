using System.Globalization;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.MerchantAdmin.Audit;

namespace PromotionEngine.MerchantAdmin.Templates;

/// <summary>Adds stock; with an Idempotency-Key a retried request adds it once.</summary>
internal sealed class AddTemplateStock(TemplateWriter writer, ICouponTemplates templates)
{
    public async Task<TemplateOutcome> HandleAsync(
        Caller caller, MerchantId merchant, TemplateId id, long quantity, IdempotencyKey? key, CancellationToken ct)
    {
        var hash = string.Create(CultureInfo.InvariantCulture, $"ADD_STOCK|{id}|{quantity}");
        if (key is { } k && await templates.FindRequestAsync(merchant, k, ct) is { } earlier)
            return await writer.ReplayAsync(earlier, hash, ct);
        var request = key is { } k2 ? new MerchantRequest(merchant, k2, hash, id) : null;
        return await writer.ChangeAsync(caller, merchant, id, TemplateOperations.AddStock, (t, now) => t.AddStock(quantity, now), ct, request);
    }
}
