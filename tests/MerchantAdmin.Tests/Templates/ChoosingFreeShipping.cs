using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Contracts.Http.MerchantAdmin;
using PromotionEngine.MerchantAdmin.Templates;

namespace PromotionEngine.MerchantAdmin.Tests.Templates;

/// <summary>包邮: FREE_SHIPPING takes the shipping fee off, optionally at most maxDiscountAmount and from a thresholdAmount; nothing else.</summary>
public class ChoosingFreeShipping
{
    private readonly FakeTimeProvider _clock = new(Clocks.Start);

    private CreateTemplateRequest FreeShipping() =>
        ATemplateRequest.FixedAmountOnThePlatform(_clock.GetUtcNow()) with { Type = "FREE_SHIPPING", DiscountAmount = null };

    private Validated Validate(CreateTemplateRequest request) => Validated.Of(request, _clock.GetUtcNow());

    [Fact]
    public void It_may_have_a_cap_and_a_threshold()
    {
        Assert.Equal(new Benefit(BenefitType.FreeShipping, null, null, null, null), Validate(FreeShipping()).AssertAccepted().Benefit);
        Assert.Equal(new Benefit(BenefitType.FreeShipping, null, 99_00, null, 10_00),
            Validate(FreeShipping() with { MaxDiscountAmount = 10_00, ThresholdAmount = 99_00 }).AssertAccepted().Benefit);
    }

    [Fact]
    public void It_takes_no_amount_percentage_or_tiers_and_bounded_cap_and_threshold()
    {
        Validate(FreeShipping() with { DiscountAmount = 5_00 }).AssertRefusedOnly("discountAmount");
        Validate(FreeShipping() with { PercentOff = 1000 }).AssertRefusedOnly("percentOff");
        Validate(FreeShipping() with { Tiers = [new TierRequest(100_00, 10_00)] }).AssertRefusedOnly("tiers");
        Validate(FreeShipping() with { MaxDiscountAmount = 0 }).AssertRefusedOnly("maxDiscountAmount");
        Validate(FreeShipping() with { ThresholdAmount = TemplateRules.MaxAmount + 1 }).AssertRefusedOnly("thresholdAmount");
    }
}
