using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.MerchantAdmin.Audit;

namespace PromotionEngine.MerchantAdmin.Templates;

internal sealed class AddTemplateStock(TemplateWriter writer)
{
    public Task<TemplateOutcome> HandleAsync(Caller caller, MerchantId merchant, TemplateId id, long quantity, CancellationToken ct) =>
        writer.ChangeAsync(caller, merchant, id, TemplateOperations.AddStock, (t, now) => t.AddStock(quantity, now), ct);
}
