using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Kernel;

namespace PromotionEngine.MerchantAdmin.Campaigns;

/// <summary>A campaign's templates as joined and left (ma_template_budgets), read when asked: joining raises no event to index.</summary>
internal sealed class CampaignTemplates(ICampaigns campaigns) : ICampaignTemplates
{
    public Task<IReadOnlyList<TemplateId>> OfAsync(long campaign, CancellationToken ct) => campaigns.TemplatesOfAsync(campaign, ct);
}
