using PromotionEngine.Settlement.Pricing;
using static PromotionEngine.Settlement.Tests.Pricing.Carts;

namespace PromotionEngine.Settlement.Tests.Pricing;

/// <summary>
/// Buy X get Y (买二送一, 第二件半价): the units of the lines in scope are counted together, every X + Y of them earn Y discounted
/// units, the cheapest; the discount sits on the lines those units are on.
/// </summary>
public class PricingBuyXGetY
{
    [Fact]
    public void Buy_two_get_one_free_takes_the_cheapest_unit_off()
    {
        // Three shirts of product 1 at 80.00, 60.00 and 50.00: the 50.00 one is free.
        var cart = Of(Line(0, 1, 80_00, product: 1), Line(1, 1, 60_00, product: 1), Line(2, 1, 50_00, product: 1));

        var result = Priced(cart, Coupon(1, BuyGet(2, 1, products: 1)));

        Assert.Equal(50_00, result.Choice.Discount);
        Assert.Equal([0L, 0, 50_00], result.Choice.LineDiscounts);
    }

    [Fact]
    public void The_second_item_half_price_counts_every_pair_and_rounds_down_once()
    {
        // 5 units of 19.99 and 1 of 9.99: 3 pairs earn 3 half-price units, the cheapest (9.99, 19.99, 19.99): ⌊49.97 / 2⌋ = 24.98.
        var cart = Of(Line(0, 1, 19_99, quantity: 5, product: 1), Line(1, 1, 9_99, product: 2));

        var result = Priced(cart, Coupon(1, BuyGet(1, 1, percent: 5000, products: [1, 2])));

        Assert.Equal(24_98, result.Choice.Discount);
        // Split over the discounted units' list prices (39.98 on line 0, 9.99 on line 1), largest remainder.
        Assert.Equal([19_99L, 4_99], result.Choice.LineDiscounts);
        Assert.Equal(result.Choice.Discount, result.Choice.LineDiscounts.Sum());
    }

    [Fact]
    public void The_cap_holds_the_discount_and_the_split_stays_exact()
    {
        var cart = Of(Line(0, 1, 100_00, quantity: 4, product: 1), Line(1, 1, 30_00, quantity: 2, product: 1));

        var result = Priced(cart, Coupon(1, BuyGet(2, 1, cap: 120_00, products: 1)));

        // 6 units: 2 free, the two 30.00 ones (60.00), under the cap; 8 units would earn 2 as well.
        Assert.Equal(60_00, result.Choice.Discount);
        var capped = Priced(Of(Line(0, 1, 100_00, quantity: 9, product: 1)), Coupon(1, BuyGet(2, 1, cap: 250_00, products: 1)));
        Assert.Equal(250_00, capped.Choice.Discount);
        Assert.Equal([250_00L], capped.Choice.LineDiscounts);
    }

    [Fact]
    public void Lines_out_of_scope_neither_count_nor_take_a_share()
    {
        var cart = Of(Line(0, 1, 10_00, product: 1), Line(1, 1, 1_00, quantity: 5, product: 9), Line(2, 1, 20_00, product: 1));

        var result = Priced(cart, Coupon(1, BuyGet(1, 1, products: 1)));

        Assert.Equal([10_00L, 0, 0], result.Choice.LineDiscounts);
    }

    [Fact]
    public void Short_of_one_group_the_coupon_says_how_many_more_items_earn_it()
    {
        var cart = Of(Line(0, 1, 80_00, product: 1), Line(1, 1, 60_00, product: 1), Line(2, 1, 5_00, product: 7));

        var why = Assert.Single(Priced(cart, Coupon(1, BuyGet(2, 1, products: 1))).Unusable);
        Assert.Equal((Reasons.BelowQuantity, 1L, "Add 1 more item to get 1 free."), (why.Reason, why.ShortfallItems!.Value, why.Detail));
        Assert.Null(why.Shortfall);

        var half = Assert.Single(Priced(Of(Line(0, 1, 80_00, product: 1)), Coupon(1, BuyGet(3, 2, percent: 5000, products: 1))).Unusable);
        Assert.Equal((4L, "Add 4 more items to get 2 at 50% off."), (half.ShortfallItems!.Value, half.Detail));
    }

    [Fact]
    public void Units_priced_zero_take_nothing_off_so_the_coupon_gives_no_discount()
    {
        var why = Assert.Single(Priced(Of(Line(0, 1, 0, quantity: 2, product: 1)), Coupon(1, BuyGet(1, 1, products: 1))).Unusable);

        Assert.Equal(Reasons.NoDiscount, why.Reason);
    }

    [Fact]
    public void It_takes_the_platform_slot_first_and_a_shop_coupon_applies_to_what_it_left()
    {
        var cart = Of(Line(0, 1, 100_00, quantity: 2, product: 1), Line(1, 1, 50_00, product: 2));

        var result = Priced(cart, Coupon(1, BuyGet(1, 1, products: 1)), Coupon(2, ShopPercent(1, 1000)), Coupon(3, PlatformOff(10_00)));

        // The deal (100.00 off line 0) beats the platform coupon's 10.00; the shop's 10 % sees 100.00 + 50.00 left.
        Assert.Equal([1L, 2L], result.Choice.Ids());
        Assert.Equal(100_00 + 15_00, result.Choice.Discount);
        Assert.Equal("NOT_COMBINABLE", Assert.Single(result.Unusable).Reason);
    }

    [Fact]
    public void A_usable_coupon_says_how_many_more_items_earn_its_next_group_until_its_cap_is_reached()
    {
        var four = Assert.Single(Priced(Of(Line(0, 1, 30_00, quantity: 4, product: 1)), Coupon(1, BuyGet(2, 1, products: 1))).Usable);
        Assert.Equal(new NextGroup(2, 1, "Add 2 more items to get 1 more free."), four.NextGroup);

        var capped = Assert.Single(Priced(Of(Line(0, 1, 30_00, quantity: 4, product: 1)),
            Coupon(1, BuyGet(1, 1, percent: 5000, cap: 30_00, products: 1))).Usable);
        Assert.Equal(30_00, capped.Applied);
        Assert.Null(capped.NextGroup);
    }
}
