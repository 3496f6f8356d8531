using PromotionEngine.Kernel;

namespace PromotionEngine.Contracts.Engine;

/// <summary>Engine's query port: how many coupons of each template have been issued (claimed or distributed).</summary>
public interface ICouponIssuance
{
    Task<IReadOnlyDictionary<TemplateId, long>> IssuedAsync(IReadOnlyCollection<TemplateId> templates, CancellationToken ct);
}
