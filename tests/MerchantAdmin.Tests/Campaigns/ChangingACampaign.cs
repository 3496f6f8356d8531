using PromotionEngine.Contracts.Http.MerchantAdmin;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Validation;
using PromotionEngine.MerchantAdmin.Campaigns;

namespace PromotionEngine.MerchantAdmin.Tests.Campaigns;

/// <summary>What a campaign accepts at creation and which of its terms may change afterwards.</summary>
public sealed class ChangingACampaign
{
    private static readonly DateTimeOffset Now = new(2026, 10, 20, 8, 0, 0, TimeSpan.Zero);

    private static Campaign ACampaign(int? perUserLimit = 3, long? budget = 500_000, IReadOnlyList<int>? thresholds = null)
    {
        var errors = new FieldErrors();
        var campaign = Campaign.Create(1, new MerchantId(7),
            new CreateCampaignRequest("双11", "CNY", Now, Now.AddDays(10), perUserLimit, budget, true, thresholds), Now, errors);
        Assert.True(errors.IsEmpty);
        return campaign!;
    }

    private static ChangeCampaignRequest Change(DateTimeOffset? validUntil = null, int? perUserLimit = null, long? budget = null,
        IReadOnlyList<int>? thresholds = null) => new(null, validUntil, perUserLimit, budget, null, thresholds);

    [Fact]
    public void Thresholds_default_to_80_and_100_and_are_kept_in_order()
    {
        Assert.Equal([80, 100], ACampaign().Thresholds);
        Assert.Equal([50, 90, 100], ACampaign(thresholds: [100, 50, 90]).Thresholds);
    }

    [Fact]
    public void A_campaign_refuses_bad_terms_naming_each_field()
    {
        var errors = new FieldErrors();
        var campaign = Campaign.Create(1, new MerchantId(7),
            new CreateCampaignRequest(" ", "XXX", Now, Now.AddDays(-1), 0, 0, null, [0, 50, 50]), Now, errors);

        Assert.Null(campaign);
        Assert.Equal(["budget", "currency", "name", "perUserLimit", "thresholds", "validUntil"],
            errors.ToDictionary().Keys.Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public void Its_end_only_moves_later_and_its_limit_only_rises()
    {
        var campaign = ACampaign();

        Assert.False(campaign.Change(Change(validUntil: Now.AddDays(5)), Now).IsEmpty);
        Assert.False(campaign.Change(Change(perUserLimit: 2), Now).IsEmpty);
        Assert.True(campaign.Change(Change(validUntil: Now.AddDays(20), perUserLimit: 5), Now).IsEmpty);
        Assert.Equal((Now.AddDays(20), 5), (campaign.ValidUntil, campaign.PerUserLimit));
    }

    [Fact]
    public void Its_budget_may_be_lowered_and_nothing_changes_when_one_member_is_refused()
    {
        var campaign = ACampaign();

        Assert.True(campaign.Change(Change(budget: 100_000), Now).IsEmpty);
        Assert.False(campaign.Change(Change(budget: 200_000, perUserLimit: 1), Now).IsEmpty);
        Assert.Equal(100_000, campaign.Budget);
    }

    [Fact]
    public void A_campaign_created_without_a_per_user_limit_keeps_none() =>
        Assert.False(ACampaign(perUserLimit: null).Change(Change(perUserLimit: 4), Now).IsEmpty);
}
