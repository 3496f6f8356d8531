using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Engine.Coupons;
using static PromotionEngine.Engine.Tests.Durations;
using static PromotionEngine.Engine.Tests.Orders;

namespace PromotionEngine.Engine.Tests.Coupons;

public class ConsumingAUserCoupon
{
    private readonly FakeTimeProvider _clock = new(Clocks.Start);

    private DateTimeOffset Now => _clock.GetUtcNow();

    private UserCoupon AHeldCoupon(TimeSpan? validFor = null) =>
        AUserCoupon.ValidFor(validFor ?? Days(7), _clock).LockedBy(Order1, Minutes(15), _clock);

    [Fact]
    public void Payment_spends_the_coupon_on_the_order_holding_it()
    {
        var coupon = AHeldCoupon();
        _clock.Advance(Minutes(5));

        Assert.Equal(CouponMove.Moved, coupon.Consume(Order1, Now));

        Assert.Equal(CouponStatus.Consumed, coupon.Status);
        Assert.Equal(Order1, coupon.Order);
        Assert.Equal(Now, coupon.ConsumedAt);
        Assert.Equal(Now, coupon.UpdatedAt);
        Assert.Null(coupon.Hold);
        Assert.Null(coupon.LockedUntil);
    }

    /// <summary>
    /// The payment rule table (times from the claim; valid 7 days unless named; "held": 15 minutes from the claim). A payment
    /// that does not spend the coupon changes nothing but what the clock had decided (<see cref="Verbs.AssertAnswered"/>): a
    /// lapsed hold keeps its order, so a late payment learns that its hold lapsed.
    /// </summary>
    [Theory]
    //          the coupon                       paid at     by         answers               then         order
    [InlineData("spent by order-1",              "1 min",    "order-1", "AlreadyDone",        "CONSUMED",  "order-1")]  // spent once, at the first payment
    [InlineData("held by order-1",               "1 min",    "order-2", "HeldByAnotherOrder", "LOCKED",    "order-1")]
    [InlineData("spent by order-1",              "1 min",    "order-2", "HeldByAnotherOrder", "CONSUMED",  "order-1")]
    [InlineData("held by order-1",               "16 min",   "order-1", "HoldLapsed",         "AVAILABLE", "order-1")]  // back in the wallet
    [InlineData("held by order-1",               "15 min",   "order-1", "HoldLapsed",         "AVAILABLE", "order-1")]  // the instant the hold ends is too late
    [InlineData("held by order-1, valid 10 min", "16 min",   "order-1", "HoldLapsed",         "EXPIRED",   "order-1")]  // the hold and the validity lapsed
    [InlineData("held by order-1, valid 10 min", "10 min",   "order-1", "HoldLapsed",         "EXPIRED",   "order-1")]  // the coupon ended: too late even within the ttl
    [InlineData("available",                     "1 min",    "order-1", "NotAllowed",         "AVAILABLE", "-")]        // never locked
    [InlineData("held by order-1",               "16 min",   "order-2", "NotAllowed",         "AVAILABLE", "order-1")]  // an order that never held it
    [InlineData("stored as expired",             "1 min",    "order-1", "NotAllowed",         "EXPIRED",   "-")]
    [InlineData("released by order-1",           "1 min",    "order-1", "NotAllowed",         "AVAILABLE", "-")]        // released by the order that pays
    public void What_a_payment_answers_and_where_it_leaves_the_coupon(string coupon, string at, string by, string answers, string then, string order)
        => Verbs.AssertAnswered(coupon, at, Verbs.Consume(by), answers, then, order);

    [Fact]
    public void A_payment_after_the_sweep_released_the_hold_still_learns_the_hold_lapsed()
    {
        var coupon = AHeldCoupon();
        _clock.Advance(Minutes(16));
        Assert.True(coupon.Settle(Now)); // the sweep ran first

        Assert.Equal(CouponMove.HoldLapsed, coupon.Consume(Order1, Now));

        Assert.Equal(CouponStatus.Available, coupon.Status);
    }
}
