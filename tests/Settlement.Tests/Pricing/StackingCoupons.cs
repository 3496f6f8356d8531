using PromotionEngine.Settlement.Pricing;
using static PromotionEngine.Settlement.Tests.Pricing.Carts;

namespace PromotionEngine.Settlement.Tests.Pricing;

/// <summary>The worked examples of docs/settlement.md, and the rules behind them.</summary>
public class StackingCoupons
{
    [Fact]
    public void A_percentage_applies_to_what_fixed_discounts_left()
    {
        // Shop 1 sells 200.00; a 20.00-off platform coupon and a 10 % shop coupon: 10 % of 180.00, not of 200.00.
        var cart = Of(Line(0, shop: 1, unitPrice: 20_000));
        var result = Stacking.Apply(cart, [Offer(cart, 1, PlatformOff(2000)), Offer(cart, 2, ShopPercent(1, 1000))]);

        Assert.Equal([2000L, 1800L], result.Coupons.Select(c => c.Discount));
        Assert.Equal([20_000L, 18_000L], result.Coupons.Select(c => c.Base));
        Assert.Equal(3800, result.Discount);
    }

    [Fact]
    public void A_platform_percentage_comes_last_on_what_the_shops_left()
    {
        var cart = Of(Line(0, shop: 1, unitPrice: 10_000), Line(1, shop: 2, unitPrice: 10_000));
        var result = Stacking.Apply(
            cart, [Offer(cart, 1, PlatformPercent(1000)), Offer(cart, 2, ShopOff(1, 2000)), Offer(cart, 3, ShopPercent(2, 5000))]);

        Assert.Equal([2L, 3L, 1L], result.Coupons.Select(c => c.Offer.Id.Value)); // shop fixed, shop percentage, platform percentage
        Assert.Equal(2000 + 5000 + 1300, result.Discount); // 10 % of (80.00 + 50.00)
    }

    [Fact]
    public void A_fixed_platform_coupon_is_split_by_list_price_before_the_shops()
    {
        var cart = Of(Line(0, shop: 1, unitPrice: 3000), Line(1, shop: 2, unitPrice: 1000));
        var result = Stacking.Apply(cart, [Offer(cart, 1, PlatformOff(1000)), Offer(cart, 2, ShopOff(1, 2500))]);

        Assert.Equal(750, result.Coupons[0].Shares[0]);
        Assert.Equal(250, result.Coupons[0].Shares[1]);
        Assert.Equal(2250, result.Coupons[1].Discount); // the shop coupon is capped by what is left of its line
        Assert.Equal([3000L, 250L], result.LineDiscounts);
    }

    [Fact]
    public void Line_discounts_add_up_to_the_total()
    {
        var cart = Of(Line(0, 1, 333, 3), Line(1, 1, 1001), Line(2, 2, 77, 7, categories: 5));
        var result = Stacking.Apply(
            cart, [Offer(cart, 1, PlatformPercent(3333)), Offer(cart, 2, ShopOff(1, 999)), Offer(cart, 3, ShopPercent(2, 1234))]);

        Assert.Equal(result.Discount, result.LineDiscounts.Sum());
        Assert.All(result.LineDiscounts.Zip(cart.Amounts), p => Assert.InRange(p.First, 0, p.Second));
    }

    [Fact]
    public void One_platform_coupon_and_one_coupon_per_shop_combine()
    {
        var cart = Of(Line(0, 1, 10_000), Line(1, 2, 10_000, categories: 3));
        Offer platform = Offer(cart, 1, PlatformOff(100)), category = Offer(cart, 2, CategoryOff(3, 100)),
            shop1 = Offer(cart, 3, ShopOff(1, 100)), shop1Again = Offer(cart, 4, ShopOff(1, 200)), shop2 = Offer(cart, 5, ShopOff(2, 100));

        Assert.True(Stacking.IsValid([platform, shop1, shop2]));
        Assert.False(Stacking.IsValid([platform, category])); // a category coupon takes the platform slot
        Assert.False(Stacking.IsValid([shop1, shop1Again]));
        Assert.Equal([platform.Id], Stacking.Conflicts(category, [platform, shop1]));
    }

    [Fact]
    public void An_exclusive_coupon_combines_with_nothing()
    {
        var cart = Of(Line(0, 1, 10_000));
        var exclusive = Offer(cart, 1, ShopOff(1, 100, exclusive: true));

        Assert.False(Stacking.Combine(exclusive, Offer(cart, 2, PlatformOff(100))));
        Assert.False(Stacking.Combine(Offer(cart, 3, PlatformOff(100)), exclusive));
    }

    [Fact]
    public void A_percentage_rounds_down_and_stops_at_its_cap()
    {
        var terms = PlatformPercent(1500, cap: 2000);

        Assert.Equal(149, terms.DiscountOn(999)); // 149.85 -> 149
        Assert.Equal(2000, terms.DiscountOn(1_000_000));
    }
}
