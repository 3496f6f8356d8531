using PromotionEngine.Settlement.Pricing;
using static PromotionEngine.Settlement.Tests.Pricing.Carts;

namespace PromotionEngine.Settlement.Tests.Pricing;

/// <summary>包邮: a FREE_SHIPPING coupon takes the cart's shipping fee off, up to its cap; one per order, beside any line coupons.</summary>
public class PricingFreeShipping
{
    [Fact]
    public void It_takes_the_shipping_fee_off_up_to_its_cap_and_no_line_changes()
    {
        var cart = Shipped(12_00, Line(0, shop: 1, unitPrice: 80_00));

        var whole = Priced(cart, Coupon(1, FreeShipping()));
        var capped = Priced(cart, Coupon(1, FreeShipping(cap: 8_00)));

        Assert.Equal((12_00L, 12_00L), (whole.Choice.Discount, whole.Choice.ShippingDiscount));
        Assert.Equal([0L], whole.Choice.LineDiscounts);
        Assert.Equal(80_00, whole.Payable);
        Assert.Equal((8_00L, 84_00L), (capped.Choice.ShippingDiscount, capped.Payable));
    }

    [Fact]
    public void Below_its_threshold_it_says_how_much_more_to_spend()
    {
        var why = Assert.Single(Priced(Shipped(10_00, Line(0, 1, 65_00)), Coupon(1, FreeShipping(threshold: 99_00))).Unusable);

        Assert.Equal((Reasons.BelowThreshold, 34_00L), (why.Reason, why.Shortfall));
        Assert.Equal("Spend 34.00 CNY more.", why.Detail);
    }

    [Fact]
    public void A_cart_without_a_shipping_fee_gets_nothing_from_it()
    {
        var why = Assert.Single(Priced(Of(Line(0, 1, 65_00)), Coupon(1, FreeShipping())).Unusable);

        Assert.Equal(Reasons.NoDiscount, why.Reason);
    }

    [Fact]
    public void One_shipping_coupon_per_order_beside_the_line_coupons()
    {
        var cart = Shipped(10_00, Line(0, shop: 1, unitPrice: 100_00), Line(1, shop: 2, unitPrice: 50_00));

        var result = Priced(cart, Coupon(1, FreeShipping(cap: 6_00)), Coupon(2, FreeShipping()), Coupon(3, PlatformOff(20_00)),
            Coupon(4, ShopPercent(2, 1000)));

        Assert.Equal([2L, 3L, 4L], result.Choice.Ids());
        Assert.Equal(10_00, result.Choice.ShippingDiscount);
        Assert.Equal(result.Choice.LineDiscounts.Sum() + 10_00, result.Choice.Discount);
        var blocked = Assert.Single(result.Unusable);
        Assert.Equal((1L, Reasons.NotCombinable), (blocked.Id.Value, blocked.Reason));
    }

    [Fact]
    public void An_exclusive_shipping_coupon_stands_alone_and_wins_only_when_it_gives_more()
    {
        var cart = Shipped(15_00, Line(0, shop: 1, unitPrice: 100_00));

        Assert.Equal([1L], Priced(cart, Coupon(1, FreeShipping(exclusive: true)), Coupon(2, ShopOff(1, 10_00))).Choice.Ids());
        Assert.Equal([2L], Priced(cart, Coupon(1, FreeShipping(exclusive: true)), Coupon(2, ShopOff(1, 20_00))).Choice.Ids());
    }

    [Fact]
    public void Equal_shipping_coupons_go_by_priority_then_the_older_coupon()
    {
        var cart = Shipped(10_00, Line(0, 1, 50_00));

        Assert.Equal([2L], Priced(cart, Coupon(1, FreeShipping()), Coupon(2, FreeShipping(priority: 3))).Choice.Ids());
        Assert.Equal([1L], Priced(cart, Coupon(2, FreeShipping()), Coupon(1, FreeShipping())).Choice.Ids());
    }
}
