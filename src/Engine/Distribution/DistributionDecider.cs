using PromotionEngine.Contracts.Engine;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Distribution;

/// <summary>
/// The rules of one distribution batch, in plain C#: the claim window first (the whole batch), then per
/// recipient in the order given the per-user limit, then stock for those still eligible. The counts it is
/// given were read under lock in the issuing transaction, so the decision is exact.
/// </summary>
internal static class DistributionDecider
{
    public static DistributionRefusal WindowRefusal(CouponTemplateSnapshot? template, MerchantId merchant, DateTimeOffset now) =>
        template is null || template.Merchant != merchant ? DistributionRefusal.TemplateNotFound
        : template.Terminated ? DistributionRefusal.TemplateTerminated
        : now < template.ValidFrom ? DistributionRefusal.TemplateNotStarted
        : now >= template.ValidUntil ? DistributionRefusal.TemplateEnded
        : CampaignWindowRefusal(template, now);

    /// <summary>The template's campaign's window (none: open), after the template's own.</summary>
    private static DistributionRefusal CampaignWindowRefusal(CouponTemplateSnapshot template, DateTimeOffset now) =>
        template.BudgetTerms.CampaignValidFrom is { } from && now < from ? DistributionRefusal.CampaignNotStarted
        : template.BudgetTerms.CampaignValidUntil is { } until && now >= until ? DistributionRefusal.CampaignEnded
        : DistributionRefusal.None;

    /// <summary>
    /// Per recipient: UserLimitReached when the user already holds the limit, else a coupon while stock lasts
    /// (in the recipients' order), else OutOfStock. Returns None for each recipient that gets a coupon.
    /// </summary>
    public static DistributionRefusal[] Decide(
        IReadOnlyList<UserId> recipients, IReadOnlyDictionary<long, int> claimed, int perUserLimit, long stockLeft)
    {
        var decisions = new DistributionRefusal[recipients.Count];
        var left = Math.Max(stockLeft, 0);
        for (var i = 0; i < recipients.Count; i++)
        {
            if (claimed.GetValueOrDefault(recipients[i].Value) >= perUserLimit) decisions[i] = DistributionRefusal.UserLimitReached;
            else if (left > 0) { decisions[i] = DistributionRefusal.None; left--; }
            else decisions[i] = DistributionRefusal.OutOfStock;
        }
        return decisions;
    }
}
