using PromotionEngine.Kernel;
using PromotionEngine.Settlement.Pricing;
using static PromotionEngine.Settlement.Tests.Pricing.Carts;

namespace PromotionEngine.Settlement.Tests.Pricing;

/// <summary>Every wallet coupon is either usable (with its discount) or unusable with one machine-readable reason.</summary>
public class ExplainingEveryCoupon
{
    private static readonly Cart Cart = Of(Line(0, shop: 1, unitPrice: 4400, quantity: 2, product: 9, categories: 3));

    private static Unusable Why(WalletCoupon coupon) => Priced(Cart, coupon).Unusable.Single();

    [Fact]
    public void An_expired_coupon_says_when_it_ended()
    {
        var why = Why(Coupon(1, PlatformOff(100), validUntil: Now.AddMinutes(-1)));

        Assert.Equal((Reasons.Expired, Now.AddMinutes(-1)), (why.Reason, why.At));
        Assert.Equal(Reasons.Expired, Why(Coupon(2, PlatformOff(100), WalletStatus.Expired)).Reason);
    }

    [Fact]
    public void A_coupon_not_started_yet_says_when_it_starts() =>
        Assert.Equal(
            (Reasons.NotStarted, Now.AddHours(1)),
            (Why(Coupon(1, PlatformOff(100), validFrom: Now.AddHours(1))).Reason, Why(Coupon(1, PlatformOff(100), validFrom: Now.AddHours(1))).At));

    [Fact]
    public void A_coupon_held_by_an_order_is_locked_and_a_spent_one_used()
    {
        Assert.Equal(Reasons.Locked, Why(Coupon(1, PlatformOff(100), WalletStatus.Locked)).Reason);
        Assert.Equal(Reasons.Used, Why(Coupon(1, PlatformOff(100), WalletStatus.Consumed)).Reason);
    }

    [Fact]
    public void A_coupon_of_another_currency_or_scope_does_not_apply()
    {
        Assert.Equal(Reasons.CurrencyMismatch, Why(Coupon(1, ProductOff(9, 100, currency: "USD"))).Reason);
        Assert.Equal(Reasons.ScopeMismatch, Why(Coupon(1, ShopOff(2, 100))).Reason);
        Assert.Equal(Reasons.ScopeMismatch, Why(Coupon(1, ProductOff(8, 100))).Reason);
        Assert.Equal(Reasons.TemplateUnknown, Why(Coupon(1, null)).Reason);
    }

    [Fact]
    public void Below_a_threshold_the_coupon_says_how_much_more_to_spend()
    {
        var why = Why(Coupon(1, PlatformOff(1000, threshold: 10_000)));

        Assert.Equal((Reasons.BelowThreshold, 1200L), (why.Reason, why.Shortfall));
        Assert.Equal("Spend 12.00 CNY more.", why.Detail);
    }

    [Fact]
    public void Amounts_are_written_with_the_currency_s_decimals()
    {
        Assert.Equal("12.00 CNY", MoneyText.Format(1200, "CNY"));
        Assert.Equal("1200 JPY", MoneyText.Format(1200, "JPY"));
        Assert.Equal("1.200 KWD", MoneyText.Format(1200, "KWD"));
    }

    [Fact]
    public void A_coupon_that_takes_nothing_off_says_so() =>
        Assert.Equal(Reasons.NoDiscount, Why(Coupon(1, PlatformPercent(1))).Reason); // 0.01 % of 88.00 rounds to 0

    [Fact]
    public void A_usable_coupon_that_the_best_combination_cannot_take_names_its_blocker()
    {
        var result = Priced(Cart, Coupon(1, PlatformOff(500)), Coupon(2, PlatformOff(800)), Coupon(3, ShopOff(1, 300)));

        Assert.Equal([2L, 3L], result.Usable.Where(u => u.Selected).Select(u => u.Offer.Id.Value).Order());
        var blocked = Assert.Single(result.Unusable);
        Assert.Equal((1L, Reasons.NotCombinable), (blocked.Id.Value, blocked.Reason));
        Assert.Equal([new UserCouponId(2)], blocked.BlockedBy);
        Assert.Equal(800, result.Usable.First(u => u.Offer.Id.Value == 2).Applied);
    }

    [Fact]
    public void The_user_s_pick_is_priced_as_it_is_and_leaves_room_for_coupons_that_still_combine()
    {
        var wallet = new[] { Coupon(1, PlatformOff(500)), Coupon(2, PlatformOff(800)), Coupon(3, ShopOff(1, 300)) };

        var result = Assert.IsType<PriceOutcome.Priced>(Pricer.Price(Cart, wallet, [new UserCouponId(1)], Now)).Result;

        Assert.True(result.Picked);
        Assert.Equal(500, result.Choice.Discount);
        Assert.Contains(result.Usable, u => u.Offer.Id.Value == 3 && !u.Selected);
        Assert.Equal(Reasons.NotCombinable, result.Unusable.Single(u => u.Id.Value == 2).Reason);
    }

    [Fact]
    public void A_pick_that_breaks_the_rules_is_refused_with_each_coupon_s_reason()
    {
        var wallet = new[] { Coupon(1, PlatformOff(500)), Coupon(2, PlatformOff(800)), Coupon(3, ShopOff(1, 300), WalletStatus.Locked) };

        var refused = Assert.IsType<PriceOutcome.PickRefused>(Pricer.Price(Cart, wallet, [new(1), new(2), new(3), new(4)], Now));

        Assert.Equal([(1L, Reasons.NotCombinable), (2L, Reasons.NotCombinable), (3L, Reasons.Locked), (4L, Reasons.NotInWallet)],
            refused.Problems.Select(p => (p.Id.Value, p.Reason)).Order());
    }

    [Fact]
    public void Payable_is_the_subtotal_less_the_discount_plus_shipping()
    {
        var cart = new Cart("CNY", [Line(0, 1, 10_000)], shippingFee: 800);
        var result = Assert.IsType<PriceOutcome.Priced>(Pricer.Price(cart, [Coupon(1, PlatformOff(1500))], null, Now)).Result;

        Assert.Equal(10_000 - 1500 + 800, result.Payable);
    }
}
