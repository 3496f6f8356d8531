using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Contracts.Http.MerchantAdmin;
using PromotionEngine.MerchantAdmin.Templates;

namespace PromotionEngine.MerchantAdmin.Tests.Templates;

/// <summary>阶梯满减 (满100减10 / 满200减25 / 满300减40): tiers ascend, each takes off less than its threshold, 1 to 10 of them.</summary>
public class ChoosingTieredThresholds
{
    private readonly FakeTimeProvider _clock = new(Clocks.Start);

    private CreateTemplateRequest Tiered(params TierRequest?[] tiers) =>
        ATemplateRequest.FixedAmountOnThePlatform(_clock.GetUtcNow()) with { Type = "TIERED_THRESHOLD", DiscountAmount = null, Tiers = tiers };

    private Validated Validate(CreateTemplateRequest request) => Validated.Of(request, _clock.GetUtcNow());

    private static TierRequest Tier(long threshold, long discount) => new(threshold, discount);

    [Fact]
    public void Ascending_tiers_are_kept_in_order()
    {
        var definition = Validate(Tiered(Tier(100_00, 10_00), Tier(200_00, 25_00), Tier(300_00, 40_00))).AssertAccepted();

        Assert.Equal(BenefitType.TieredThreshold, definition.Benefit.Type);
        Assert.Equal([new BenefitTier(100_00, 10_00), new BenefitTier(200_00, 25_00), new BenefitTier(300_00, 40_00)], definition.Benefit.Tiers!);
        Assert.Null(definition.Benefit.DiscountAmount);
        Assert.Null(definition.Benefit.ThresholdAmount);
    }

    [Fact]
    public void One_to_ten_tiers()
    {
        Validate(Tiered(Tier(100_00, 10_00))).AssertAccepted();
        Validate(Tiered(Enumerable.Range(1, TemplateRules.MaxTiers).Select(i => Tier(i * 100_00L, i * 10_00L)).ToArray())).AssertAccepted();

        Validate(Tiered()).AssertRefusedOnly("tiers");
        Validate(Tiered(null!) with { Tiers = null }).AssertRefusedOnly("tiers");
        Validate(Tiered(Enumerable.Range(1, TemplateRules.MaxTiers + 1).Select(i => Tier(i * 100_00L, i * 10_00L)).ToArray()))
            .AssertRefusedOnly("tiers");
    }

    [Fact]
    public void Tiers_ascend_in_threshold_and_in_discount()
    {
        Validate(Tiered(Tier(200_00, 10_00), Tier(100_00, 25_00))).AssertRefusedOnly("tiers[1].thresholdAmount");
        Validate(Tiered(Tier(100_00, 10_00), Tier(100_00, 25_00))).AssertRefusedOnly("tiers[1].thresholdAmount");
        Validate(Tiered(Tier(100_00, 25_00), Tier(200_00, 25_00))).AssertRefusedOnly("tiers[1].discountAmount");
        Validate(Tiered(Tier(100_00, 10_00), Tier(200_00, 25_00), Tier(300_00, 20_00))).AssertRefusedOnly("tiers[2].discountAmount");
    }

    [Fact]
    public void A_tier_takes_off_less_than_its_threshold()
    {
        Validate(Tiered(Tier(100_00, 100_00))).AssertRefusedOnly("tiers[0].discountAmount");
        Validate(Tiered(Tier(100_00, 99_99))).AssertAccepted();
    }

    [Theory]
    [InlineData(null, 10_00L, "tiers[0].thresholdAmount")]
    [InlineData(0L, 10_00L, "tiers[0].thresholdAmount")]
    [InlineData(TemplateRules.MaxAmount + 1, 10_00L, "tiers[0].thresholdAmount")]
    [InlineData(100_00L, null, "tiers[0].discountAmount")]
    [InlineData(100_00L, -1L, "tiers[0].discountAmount")]
    public void Each_amount_of_a_tier_is_in_bounds(long? threshold, long? discount, string field) =>
        Validate(Tiered(new TierRequest(threshold, discount))).AssertRefusedOnly(field);

    [Fact]
    public void A_missing_tier_object_is_named()
    {
        Validate(Tiered(Tier(100_00, 10_00), null)).AssertRefusedOnly("tiers[1]");
    }

    [Fact]
    public void Tiers_replace_the_single_amounts_and_belong_to_tiered_thresholds_only()
    {
        var tiered = Tiered(Tier(100_00, 10_00));
        Validate(tiered with { DiscountAmount = 5_00 }).AssertRefusedOnly("discountAmount");
        Validate(tiered with { ThresholdAmount = 50_00 }).AssertRefusedOnly("thresholdAmount");
        Validate(tiered with { PercentOff = 1000 }).AssertRefusedOnly("percentOff");
        Validate(tiered with { MaxDiscountAmount = 10_00 }).AssertRefusedOnly("maxDiscountAmount");

        Validate(ATemplateRequest.Threshold(_clock.GetUtcNow()) with { Tiers = [Tier(100_00, 10_00)] }).AssertRefusedOnly("tiers");
    }
}
