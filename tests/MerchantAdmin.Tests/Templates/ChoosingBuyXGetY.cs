using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Contracts.Http.MerchantAdmin;
using PromotionEngine.MerchantAdmin.Templates;

namespace PromotionEngine.MerchantAdmin.Tests.Templates;

/// <summary>
/// 买二送一 / 第二件半价: BUY_X_GET_Y takes buyQuantity and getQuantity (1 to 99), percentOff (10000 = free) and an optional cap, on
/// PRODUCTS or CATEGORIES scope; nothing else, and no other type takes its quantities.
/// </summary>
public class ChoosingBuyXGetY
{
    private readonly FakeTimeProvider _clock = new(Clocks.Start);

    private CreateTemplateRequest BuyTwoGetOneFree() => ATemplateRequest.OnProducts(_clock.GetUtcNow(), 11, 12) with
    {
        Type = "BUY_X_GET_Y",
        DiscountAmount = null,
        BuyQuantity = 2,
        GetQuantity = 1,
        PercentOff = 10_000,
    };

    private Validated Validate(CreateTemplateRequest request) => Validated.Of(request, _clock.GetUtcNow());

    [Fact]
    public void Buy_two_get_one_free_and_the_second_half_price_capped_are_accepted()
    {
        Assert.Equal(new Benefit(BenefitType.BuyXGetY, null, null, 10_000, null, BuyQuantity: 2, GetQuantity: 1),
            Validate(BuyTwoGetOneFree()).AssertAccepted().Benefit);
        var half = BuyTwoGetOneFree() with
        {
            Scope = "CATEGORIES",
            ProductIds = null,
            CategoryIds = [7],
            BuyQuantity = 1,
            GetQuantity = 1,
            PercentOff = 5000,
            MaxDiscountAmount = 50_00,
        };
        Assert.Equal(new Benefit(BenefitType.BuyXGetY, null, null, 5000, 50_00, BuyQuantity: 1, GetQuantity: 1),
            Validate(half).AssertAccepted().Benefit);
    }

    [Theory]
    [InlineData(null, 1, "buyQuantity")]
    [InlineData(0, 1, "buyQuantity")]
    [InlineData(TemplateRules.MaxDealQuantity + 1, 1, "buyQuantity")]
    [InlineData(2, null, "getQuantity")]
    [InlineData(2, 0, "getQuantity")]
    [InlineData(2, TemplateRules.MaxDealQuantity + 1, "getQuantity")]
    public void Its_quantities_are_required_from_1_to_99(int? buy, int? get, string field) =>
        Validate(BuyTwoGetOneFree() with { BuyQuantity = buy, GetQuantity = get }).AssertRefusedOnly(field);

    [Fact]
    public void It_needs_a_percentage_and_takes_no_amount_threshold_or_tiers_and_a_bounded_cap()
    {
        Validate(BuyTwoGetOneFree() with { PercentOff = null }).AssertRefusedOnly("percentOff");
        Validate(BuyTwoGetOneFree() with { PercentOff = TemplateRules.MaxPercentOff + 1 }).AssertRefusedOnly("percentOff");
        Validate(BuyTwoGetOneFree() with { DiscountAmount = 5_00 }).AssertRefusedOnly("discountAmount");
        Validate(BuyTwoGetOneFree() with { ThresholdAmount = 100_00 }).AssertRefusedOnly("thresholdAmount");
        Validate(BuyTwoGetOneFree() with { Tiers = [new TierRequest(100_00, 10_00)] }).AssertRefusedOnly("tiers");
        Validate(BuyTwoGetOneFree() with { MaxDiscountAmount = 0 }).AssertRefusedOnly("maxDiscountAmount");
    }

    [Fact]
    public void It_counts_units_of_products_so_its_scope_is_products_or_categories()
    {
        Validate(BuyTwoGetOneFree() with { Scope = "PLATFORM", ProductIds = null }).AssertRefusedOnly("scope");
        Validate(BuyTwoGetOneFree() with { Scope = "SHOP", ProductIds = null, ShopId = 3 }).AssertRefusedOnly("scope");
    }

    [Fact]
    public void No_other_type_takes_its_quantities()
    {
        var fixedAmount = ATemplateRequest.FixedAmountOnThePlatform(_clock.GetUtcNow());

        Validate(fixedAmount with { BuyQuantity = 2 }).AssertRefusedOnly("buyQuantity");
        Validate(fixedAmount with { GetQuantity = 1 }).AssertRefusedOnly("getQuantity");
    }
}
