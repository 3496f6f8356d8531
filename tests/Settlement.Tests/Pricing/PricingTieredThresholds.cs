using PromotionEngine.Settlement.Pricing;
using static PromotionEngine.Settlement.Tests.Pricing.Carts;

namespace PromotionEngine.Settlement.Tests.Pricing;

/// <summary>满100减10 / 满200减25 / 满300减40: the highest tier the lines in scope reach applies, and the quote says how far the next is.</summary>
public class PricingTieredThresholds
{
    private static readonly PricingTerms ThreeTiers = Tiered(tiers: [(100_00, 10_00), (200_00, 25_00), (300_00, 40_00)]);

    [Theory]
    [InlineData(100_00L, 10_00L)]
    [InlineData(199_99L, 10_00L)]
    [InlineData(200_00L, 25_00L)]
    [InlineData(299_99L, 25_00L)]
    [InlineData(300_00L, 40_00L)]
    [InlineData(5000_00L, 40_00L)]
    public void The_highest_tier_reached_applies(long subtotal, long discount)
    {
        var result = Priced(Of(Line(0, shop: 1, unitPrice: subtotal)), Coupon(1, ThreeTiers));

        Assert.Equal(discount, result.Choice.Discount);
        Assert.Equal([discount], result.Choice.LineDiscounts);
    }

    [Fact]
    public void Below_the_first_tier_the_coupon_is_unusable_with_the_shortfall_to_it()
    {
        var result = Priced(Of(Line(0, 1, 40_00), Line(1, 1, 25_00)), Coupon(1, ThreeTiers));

        var why = Assert.Single(result.Unusable);
        Assert.Equal(Reasons.BelowThreshold, why.Reason);
        Assert.Equal(35_00, why.Shortfall);
        Assert.Equal("Add 35.00 CNY to reach the first tier (10.00 CNY off).", why.Detail);
    }

    [Fact]
    public void A_usable_coupon_below_its_top_tier_says_how_much_more_reaches_the_next()
    {
        var result = Priced(Of(Line(0, 1, 165_00)), Coupon(1, ThreeTiers));

        var usable = Assert.Single(result.Usable);
        Assert.Equal(10_00, usable.Applied);
        Assert.Equal(new NextTier(35_00, 200_00, 25_00, "Add 35.00 CNY to reach the next tier (25.00 CNY off)."), usable.Next);

        Assert.Null(Assert.Single(Priced(Of(Line(0, 1, 300_00)), Coupon(1, ThreeTiers)).Usable).Next);
    }

    [Fact]
    public void The_tier_is_met_on_list_prices_of_the_lines_in_scope()
    {
        // Shop 1 has 150.00 of the 450.00 cart: its tiered coupon reaches the first tier only.
        var cart = Of(Line(0, shop: 1, unitPrice: 150_00), Line(1, shop: 2, unitPrice: 300_00));

        var result = Priced(cart, Coupon(1, Tiered(shop: 1, tiers: [(100_00, 10_00), (200_00, 25_00)])));

        Assert.Equal(10_00, result.Choice.Discount);
        Assert.Equal([10_00L, 0], result.Choice.LineDiscounts);
    }

    [Fact]
    public void A_tiered_coupon_stacks_as_a_fixed_discount_before_percentages()
    {
        // The platform tier takes 25.00 off 250.00 split by list price (150 : 100 → 15.00 and 10.00), then shop 1's 10 % sees 135.00.
        var cart = Of(Line(0, shop: 1, unitPrice: 150_00), Line(1, shop: 2, unitPrice: 100_00));

        var result = Priced(cart, Coupon(1, ThreeTiers), Coupon(2, ShopPercent(1, 1000)));

        Assert.Equal([1L, 2L], result.Choice.Ids());
        Assert.Equal([15_00L + 13_50L, 10_00L], result.Choice.LineDiscounts);
        Assert.Equal(25_00 + 13_50, result.Choice.Discount);
    }

    [Fact]
    public void A_tier_never_takes_off_more_than_what_earlier_coupons_left()
    {
        var cart = Of(Line(0, shop: 1, unitPrice: 100_00));
        var offers = new[] { Offer(cart, 1, Tiered(tiers: [(100_00, 60_00)])), Offer(cart, 2, ShopOff(1, 50_00)) };

        var applied = Stacking.Apply(cart, offers);

        Assert.Equal(100_00, applied.Discount);
        Assert.Equal(FindingTheBestCombination.BruteForce(cart, offers).Ids(), BestCombination.Find(cart, offers).Ids());
    }
}
