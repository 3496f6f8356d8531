using PromotionEngine.Settlement.Pricing;
using static PromotionEngine.Settlement.Tests.Pricing.Carts;
using static PromotionEngine.Settlement.Tests.Pricing.GiftCarts;

namespace PromotionEngine.Settlement.Tests.Pricing;

/// <summary>赠品: a GIFT coupon gives a qualifying order its gift at price 0, beside any discounts; one per order, while the stock lasts.</summary>
public class PricingGifts
{
    [Fact]
    public void A_qualifying_cart_gets_the_gift_and_pays_the_same()
    {
        var cart = Of(Line(0, shop: 1, unitPrice: 120_00, quantity: 2));

        var result = Priced(cart, Coupon(1, Gift("SAMPLE-50ML", quantity: 2, minQuantity: 2, threshold: 199_00)).WithGiftsLeft(10));

        var gift = Assert.Single(result.Choice.Gifts);
        Assert.Equal(("SAMPLE-50ML", 2), (gift.Terms.Gift!.Sku, gift.Terms.Gift.Quantity));
        Assert.Equal((0L, 240_00L), (result.Choice.Discount, result.Payable));
        Assert.Equal([0L], result.Choice.LineDiscounts);
    }

    [Fact]
    public void Below_its_threshold_it_says_how_much_more_to_spend()
    {
        var why = Assert.Single(Priced(Of(Line(0, 1, 150_00)), Coupon(1, Gift(threshold: 199_00))).Unusable);

        Assert.Equal((Reasons.BelowThreshold, 49_00L), (why.Reason, why.Shortfall));
    }

    [Fact]
    public void With_too_few_items_in_scope_it_says_how_many_more()
    {
        var cart = Of(Line(0, shop: 1, unitPrice: 300_00), Line(1, shop: 2, unitPrice: 10_00, quantity: 5));

        var one = Assert.Single(Priced(cart, Coupon(1, Gift(minQuantity: 2, shop: 1))).Unusable);
        var three = Assert.Single(Priced(cart, Coupon(1, Gift(minQuantity: 4, shop: 1))).Unusable);

        Assert.Equal((Reasons.BelowQuantity, 1L, "Add 1 more item to get the gift SAMPLE."), (one.Reason, one.ShortfallItems, one.Detail));
        Assert.Equal((Reasons.BelowQuantity, 3L), (three.Reason, three.ShortfallItems));
    }

    [Fact]
    public void A_gift_whose_stock_cannot_cover_it_is_unusable_gift_out_of_stock()
    {
        var cart = Of(Line(0, 1, 100_00));

        var why = Assert.Single(Priced(cart, Coupon(1, Gift(quantity: 2)).WithGiftsLeft(1)).Unusable);

        Assert.Equal(Reasons.GiftOutOfStock, why.Reason);
        Assert.Empty(Priced(cart, Coupon(1, Gift(quantity: 2)).WithGiftsLeft(1)).Choice.Coupons);
        Assert.Single(Priced(cart, Coupon(1, Gift(quantity: 2)).WithGiftsLeft(2)).Choice.Gifts);
    }

    [Fact]
    public void One_gift_per_order_beside_the_discounts_by_priority_then_the_older_coupon()
    {
        var cart = Shipped(10_00, Line(0, shop: 1, unitPrice: 100_00), Line(1, shop: 2, unitPrice: 50_00));

        var result = Priced(cart, Coupon(1, Gift("A")), Coupon(2, Gift("B", priority: 5)), Coupon(3, PlatformOff(20_00)),
            Coupon(4, ShopPercent(2, 1000)), Coupon(5, FreeShipping()));

        Assert.Equal([2L, 3L, 4L, 5L], result.Choice.Ids());
        Assert.Equal("B", Assert.Single(result.Choice.Gifts).Terms.Gift!.Sku);
        Assert.Equal(20_00 + 4_33 + 10_00, result.Choice.Discount); // shop 2's 10 % of what the platform coupon left (43.33)
        var blocked = Assert.Single(result.Unusable);
        Assert.Equal((1L, Reasons.NotCombinable), (blocked.Id.Value, blocked.Reason));
        Assert.Equal([1L], Priced(cart, Coupon(2, Gift("B")), Coupon(1, Gift("A"))).Choice.Ids());
    }

    [Fact]
    public void A_gift_alone_is_the_best_combination_of_a_wallet_without_discounts()
    {
        var result = Priced(Of(Line(0, 1, 100_00)), Coupon(7, Gift()));

        Assert.Equal([7L], result.Choice.Ids());
        Assert.True(Assert.Single(result.Usable).Selected);
    }
}
