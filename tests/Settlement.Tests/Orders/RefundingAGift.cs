using PromotionEngine.Settlement.Orders;
using PromotionEngine.Settlement.Quotes;

namespace PromotionEngine.Settlement.Tests.Orders;

/// <summary>docs/gifts.md, "Refunds": a gift goes back to its stock once, in the refund after which the kept units no longer earn it.</summary>
public class RefundingAGift
{
    /// <summary>
    /// The worked example: 满199 and 2 items 送试用装 on a serum 150.00 and 2 masks at 30.00, with 10.00 off the platform; the gift
    /// coupon takes nothing off.
    /// </summary>
    private static readonly PinnedQuote Order = new(1001, "CNY", 0,
        [new PinnedLine(0, "serum", 15_000, 1, 714), new PinnedLine(1, "mask", 3000, 2, 286)],
        [
            new PinnedCoupon(1, 1, 1000, null, [0, 1], [714, 286]),
            new PinnedCoupon(2, 2, 0, 19_900, [0, 1], [0, 0], Gift: new PinnedGift("SAMPLE-50ML", 1, 2)),
        ]);

    [Fact]
    public void A_refund_that_keeps_the_order_qualifying_keeps_the_gift()
    {
        Assert.Empty(GiftRefunds.ThisRefund(Order, [0, 0], [0, 0]));
        Assert.True(GiftRefunds.Qualifies(Order, Order.Coupons[1], [0, 0]));
    }

    [Fact]
    public void Refunding_the_units_that_break_the_threshold_returns_the_gift_once()
    {
        var first = GiftRefunds.ThisRefund(Order, [0, 0], [0, 1]); // 150.00 + 30.00 = 180.00 kept: below 199.00

        var gift = Assert.Single(first);
        Assert.Equal((2L, "SAMPLE-50ML", 1), (gift.CouponId, gift.Sku, gift.Quantity));
        Assert.Empty(GiftRefunds.ThisRefund(Order, [0, 1], [1, 2])); // given back already: the rest returns nothing more
        Assert.Equal(0, RefundPolicy.Assess(Order, [0, 1], 0).Clawback - RefundPolicy.Coupons(Order, [0, 1])[0].ClawedBack);
    }

    [Fact]
    public void Falling_below_the_least_quantity_returns_the_gift()
    {
        var order = Order with { Coupons = [Order.Coupons[0], Order.Coupons[1] with { ThresholdAmount = null }] };

        Assert.Empty(GiftRefunds.ThisRefund(order, [0, 0], [0, 1])); // serum and a mask: 2 items still
        Assert.Single(GiftRefunds.ThisRefund(order, [0, 1], [1, 1])); // one mask left
    }

    [Fact]
    public void The_whole_order_refunded_returns_the_gift()
    {
        var order = Order with { Coupons = [Order.Coupons[1] with { ThresholdAmount = null, Gift = new PinnedGift("SAMPLE-50ML", 1, null) }] };

        Assert.Single(GiftRefunds.ThisRefund(order, [0, 0], [1, 2]));
    }
}
