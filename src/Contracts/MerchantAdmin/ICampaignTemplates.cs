using PromotionEngine.Kernel;

namespace PromotionEngine.Contracts.MerchantAdmin;

/// <summary>Which templates belong to a campaign now (merchant-admin's), for search's campaign filter.</summary>
public interface ICampaignTemplates
{
    /// <summary>The campaign's templates; empty for an unknown campaign.</summary>
    Task<IReadOnlyList<TemplateId>> OfAsync(long campaign, CancellationToken ct);
}
