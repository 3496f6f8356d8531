using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Contracts.Http.MerchantAdmin;
using PromotionEngine.MerchantAdmin.Templates;

namespace PromotionEngine.MerchantAdmin.Tests.Templates;

/// <summary>What a coupon takes off: each benefit type has the amounts it needs and refuses the others.</summary>
public class ChoosingATemplateBenefit
{
    private const long MaxAmount = TemplateRules.MaxAmount;

    private readonly FakeTimeProvider _clock = new(Clocks.Start);

    private DateTimeOffset Now => _clock.GetUtcNow();

    private Validated Validate(CreateTemplateRequest request) => Validated.Of(request, Now);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("fixed_amount")]
    [InlineData("FixedAmount")]
    [InlineData("FIXED")]
    [InlineData("PERCENT")]
    public void A_type_is_one_of_the_three_wire_names(string? type) =>
        Validate(ATemplateRequest.FixedAmountOnThePlatform(Now) with { Type = type }).AssertRefusedOnly("type");

    // FIXED_AMOUNT: take a sum off.

    [Theory]
    [InlineData(1L)]
    [InlineData(MaxAmount)]
    public void A_fixed_amount_takes_off_1_to_the_largest_amount(long amount)
    {
        var definition = Validate(ATemplateRequest.FixedAmountOnThePlatform(Now) with { DiscountAmount = amount }).AssertAccepted();

        Assert.Equal(new Benefit(BenefitType.FixedAmount, amount, null, null, null), definition.Benefit);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0L)]
    [InlineData(-500L)]
    [InlineData(MaxAmount + 1)]
    public void A_fixed_amount_needs_an_amount_in_bounds(long? amount) =>
        Validate(ATemplateRequest.FixedAmountOnThePlatform(Now) with { DiscountAmount = amount }).AssertRefusedOnly("discountAmount");

    [Fact]
    public void A_fixed_amount_has_no_threshold_percentage_or_cap()
    {
        var fixedAmount = ATemplateRequest.FixedAmountOnThePlatform(Now);

        Validate(fixedAmount with { ThresholdAmount = 100_00 }).AssertRefusedOnly("thresholdAmount");
        Validate(fixedAmount with { PercentOff = 1500 }).AssertRefusedOnly("percentOff");
        Validate(fixedAmount with { MaxDiscountAmount = 50_00 }).AssertRefusedOnly("maxDiscountAmount");
    }

    // THRESHOLD: spend M, take N off.

    [Fact]
    public void A_threshold_coupon_takes_an_amount_off_a_spend()
    {
        var definition = Validate(ATemplateRequest.Threshold(Now)).AssertAccepted();

        Assert.Equal(new Benefit(BenefitType.Threshold, 20_00, 100_00, null, null), definition.Benefit);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0L)]
    [InlineData(MaxAmount + 1)]
    public void A_threshold_coupon_needs_a_discount_in_bounds(long? amount) =>
        Validate(ATemplateRequest.Threshold(Now) with { DiscountAmount = amount }).AssertRefusedOnly("discountAmount");

    [Theory]
    [InlineData(null)]
    [InlineData(MaxAmount + 1)]
    public void A_threshold_coupon_needs_a_threshold_in_bounds(long? amount) =>
        Validate(ATemplateRequest.Threshold(Now) with { ThresholdAmount = amount }).AssertRefusedOnly("thresholdAmount");

    [Fact]
    public void A_threshold_of_nothing_is_refused()
    {
        // Any discount is then above the threshold too.
        Validate(ATemplateRequest.Threshold(Now) with { ThresholdAmount = 0 }).AssertRefusedOnly("thresholdAmount", "discountAmount");
    }

    [Fact]
    public void A_threshold_discount_may_not_exceed_the_threshold()
    {
        Validate(ATemplateRequest.Threshold(Now) with { DiscountAmount = 100_01, ThresholdAmount = 100_00 }).AssertRefusedOnly("discountAmount");
    }

    [Fact]
    public void A_threshold_discount_may_equal_the_threshold() =>
        Validate(ATemplateRequest.Threshold(Now) with { DiscountAmount = 100_00, ThresholdAmount = 100_00 }).AssertAccepted();

    [Fact]
    public void A_threshold_coupon_has_no_percentage_or_cap()
    {
        var threshold = ATemplateRequest.Threshold(Now);

        Validate(threshold with { PercentOff = 1500 }).AssertRefusedOnly("percentOff");
        Validate(threshold with { MaxDiscountAmount = 50_00 }).AssertRefusedOnly("maxDiscountAmount");
    }

    // PERCENTAGE: basis points off, optionally capped and with a minimum spend.

    [Fact]
    public void A_percentage_coupon_takes_basis_points_off_with_an_optional_cap()
    {
        var definition = Validate(ATemplateRequest.Percentage(Now)).AssertAccepted();

        Assert.Equal(new Benefit(BenefitType.Percentage, null, null, 1500, 50_00), definition.Benefit);
    }

    [Fact]
    public void A_percentage_coupon_may_have_a_minimum_spend_and_no_cap()
    {
        var definition = Validate(ATemplateRequest.Percentage(Now) with { MaxDiscountAmount = null, ThresholdAmount = 30_00 }).AssertAccepted();

        Assert.Equal(new Benefit(BenefitType.Percentage, null, 30_00, 1500, null), definition.Benefit);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(TemplateRules.MaxPercentOff)]
    public void A_percentage_is_1_to_10000_basis_points(int percentOff) =>
        Validate(ATemplateRequest.Percentage(Now) with { PercentOff = percentOff }).AssertAccepted();

    [Theory]
    [InlineData(null)]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(TemplateRules.MaxPercentOff + 1)]
    public void A_percentage_outside_1_to_10000_basis_points_is_refused(int? percentOff) =>
        Validate(ATemplateRequest.Percentage(Now) with { PercentOff = percentOff }).AssertRefusedOnly("percentOff");

    [Theory]
    [InlineData(0L)]
    [InlineData(MaxAmount + 1)]
    public void A_percentage_cap_is_an_amount_in_bounds(long cap) =>
        Validate(ATemplateRequest.Percentage(Now) with { MaxDiscountAmount = cap }).AssertRefusedOnly("maxDiscountAmount");

    [Theory]
    [InlineData(0L)]
    [InlineData(MaxAmount + 1)]
    public void A_percentage_minimum_spend_is_an_amount_in_bounds(long threshold) =>
        Validate(ATemplateRequest.Percentage(Now) with { ThresholdAmount = threshold }).AssertRefusedOnly("thresholdAmount");

    [Fact]
    public void A_percentage_coupon_has_no_fixed_discount() =>
        Validate(ATemplateRequest.Percentage(Now) with { DiscountAmount = 5_00 }).AssertRefusedOnly("discountAmount");
}
