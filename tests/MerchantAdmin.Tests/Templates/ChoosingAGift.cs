using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Contracts.Http.MerchantAdmin;
using PromotionEngine.MerchantAdmin.Templates;

namespace PromotionEngine.MerchantAdmin.Tests.Templates;

/// <summary>赠品: GIFT gives a gift SKU to a qualifying order (optional threshold and least quantity) from a stock; it takes no money off.</summary>
public class ChoosingAGift
{
    private readonly FakeTimeProvider _clock = new(Clocks.Start);

    private CreateTemplateRequest AGift(GiftRequest? gift = null) =>
        ATemplateRequest.FixedAmountOnThePlatform(_clock.GetUtcNow()) with
        {
            Type = "GIFT",
            DiscountAmount = null,
            Gift = gift ?? new GiftRequest("SAMPLE-50ML", null, null, 500),
        };

    private Validated Validate(CreateTemplateRequest request) => Validated.Of(request, _clock.GetUtcNow());

    [Fact]
    public void It_gives_one_unit_by_default_with_an_optional_threshold_and_least_quantity()
    {
        var plain = Validate(AGift()).AssertAccepted();
        Assert.Equal(new Benefit(BenefitType.Gift, null, null, null, null, null, new GiftTerms("SAMPLE-50ML", 1, null)), plain.Benefit);
        Assert.Equal(500, plain.GiftStock);

        var bounded = Validate(AGift(new GiftRequest("SAMPLE-50ML", 2, 3, 10)) with { ThresholdAmount = 199_00 }).AssertAccepted();
        Assert.Equal(new Benefit(BenefitType.Gift, null, 199_00, null, null, null, new GiftTerms("SAMPLE-50ML", 2, 3)), bounded.Benefit);
    }

    [Fact]
    public void Its_faults_name_the_gifts_fields()
    {
        Validate(AGift(new GiftRequest("", 1, null, 1))).AssertRefusedOnly("gift.sku");
        Validate(AGift(new GiftRequest("has space", 1, null, 1))).AssertRefusedOnly("gift.sku");
        Validate(AGift(new GiftRequest("A", 0, null, 1))).AssertRefusedOnly("gift.quantity");
        Validate(AGift(new GiftRequest("A", GiftRules.MaxGiftQuantity + 1, null, 1))).AssertRefusedOnly("gift.quantity");
        Validate(AGift(new GiftRequest("A", 1, 0, 1))).AssertRefusedOnly("gift.minQuantity");
        Validate(AGift(new GiftRequest("A", 1, null, null))).AssertRefusedOnly("gift.stock");
        Validate(AGift(new GiftRequest("A", 1, null, TemplateRules.MaxStock + 1))).AssertRefusedOnly("gift.stock");
        Validate(AGift() with { Gift = null }).AssertRefusedOnly("gift");
    }

    [Fact]
    public void It_takes_no_money_off_and_is_never_exclusive()
    {
        Validate(AGift() with { DiscountAmount = 5_00 }).AssertRefusedOnly("discountAmount");
        Validate(AGift() with { PercentOff = 1000 }).AssertRefusedOnly("percentOff");
        Validate(AGift() with { MaxDiscountAmount = 1000 }).AssertRefusedOnly("maxDiscountAmount");
        Validate(AGift() with { Exclusive = true }).AssertRefusedOnly("exclusive");
        Validate(AGift() with { Tiers = [new TierRequest(100_00, 10_00)] }).AssertRefusedOnly("tiers");
    }

    [Fact]
    public void Only_a_gift_template_names_a_gift()
    {
        Validate(ATemplateRequest.FixedAmountOnThePlatform(_clock.GetUtcNow()) with { Gift = new GiftRequest("A", 1, null, 1) })
            .AssertRefusedOnly("gift");
    }
}
