using PromotionEngine.Contracts.Events.MerchantAdmin.V1;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Tests.Budgets;

/// <summary>What a lock without a quote reserves on a budget: the most one coupon of the template can take off.</summary>
public sealed class ALargestDiscount
{
    private static TemplatePricingTerms Terms(string type, long? discount = null, int? percentOff = null, long? cap = null,
        IReadOnlyList<TemplateTier>? tiers = null) =>
        new(new TemplateId(1), new MerchantId(2), "CNY", "PLATFORM", null, [], [], type, discount, null, percentOff, cap, false, 0, tiers);

    [Fact]
    public void Is_the_fixed_amount_or_the_cap() =>
        Assert.Equal([500L, 2000L], [Terms("FIXED_AMOUNT", discount: 500).LargestDiscount!.Value,
            Terms("PERCENTAGE", percentOff: 1000, cap: 2000).LargestDiscount!.Value]);

    [Fact]
    public void Of_a_tiered_template_is_its_top_tier() =>
        Assert.Equal(4000, Terms("TIERED_THRESHOLD", tiers: [new(10000, 1000), new(20000, 2500), new(30000, 4000)]).LargestDiscount);

    [Fact]
    public void Is_unknown_for_an_uncapped_percentage_or_free_shipping() =>
        Assert.Equal([null, null], new[] { Terms("PERCENTAGE", percentOff: 1000).LargestDiscount, Terms("FREE_SHIPPING").LargestDiscount });

    [Fact]
    public void Of_a_buy_x_get_y_template_is_its_cap_or_unknown_without_one() =>
        Assert.Equal([2000L, null], new[]
        {
            Terms("BUY_X_GET_Y", percentOff: 10_000, cap: 2000) with { BuyQuantity = 2, GetQuantity = 1 },
            Terms("BUY_X_GET_Y", percentOff: 5000) with { BuyQuantity = 1, GetQuantity = 1 },
        }.Select(t => t.LargestDiscount));

    [Fact]
    public void Of_a_gift_template_is_nothing_it_takes_no_money_off() =>
        Assert.Equal(0, (Terms("GIFT") with { Gift = new PricingGift("SAMPLE-50ML", 1, null) }).LargestDiscount);
}
