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

    [Fact]
    public void A_spent_coupon_stays_spent_whatever_the_clock_says()
    {
        var coupon = AHeldCoupon(validFor: Hours(1)).ConsumedBy(Order1, _clock);

        _clock.Advance(Days(30));

        Assert.Equal(CouponStatus.Consumed, coupon.StatusAt(Now));
    }

    [Fact]
    public void Consuming_twice_for_the_same_order_is_already_done()
    {
        var coupon = AHeldCoupon().ConsumedBy(Order1, _clock);
        var spentAt = coupon.ConsumedAt;
        _clock.Advance(Minutes(1));

        Assert.Equal(CouponMove.AlreadyDone, coupon.Consume(Order1, Now));

        Assert.Equal(spentAt, coupon.ConsumedAt);
    }

    [Fact]
    public void Another_order_cannot_spend_a_coupon_held_for_an_order()
    {
        var coupon = AHeldCoupon();

        Assert.Equal(CouponMove.HeldByAnotherOrder, coupon.Consume(Order2, Now));

        Assert.Equal(CouponStatus.Locked, coupon.Status);
        Assert.Equal(Order1, coupon.Hold?.Order);
    }

    [Fact]
    public void Another_order_cannot_spend_a_coupon_already_spent()
    {
        var coupon = AHeldCoupon().ConsumedBy(Order1, _clock);

        Assert.Equal(CouponMove.HeldByAnotherOrder, coupon.Consume(Order2, Now));

        Assert.Equal(Order1, coupon.Order);
    }

    [Fact]
    public void A_payment_after_the_hold_lapsed_is_refused_and_the_coupon_is_back_in_the_wallet()
    {
        var coupon = AHeldCoupon();
        _clock.Advance(Minutes(16));

        Assert.Equal(CouponMove.HoldLapsed, coupon.Consume(Order1, Now));

        Assert.Equal(CouponStatus.Available, coupon.Status);
        Assert.Null(coupon.Hold);
    }

    [Fact]
    public void A_payment_at_the_instant_the_hold_ends_is_too_late()
    {
        var coupon = AHeldCoupon();
        _clock.Advance(Minutes(15));

        Assert.Equal(CouponMove.HoldLapsed, coupon.Consume(Order1, Now));
    }

    [Fact]
    public void A_payment_after_the_sweep_released_the_hold_still_learns_the_hold_lapsed()
    {
        var coupon = AHeldCoupon();
        _clock.Advance(Minutes(16));
        Assert.True(coupon.Settle(Now)); // the sweep ran first

        Assert.Equal(CouponMove.HoldLapsed, coupon.Consume(Order1, Now));

        Assert.Equal(CouponStatus.Available, coupon.Status);
    }

    [Fact]
    public void A_payment_after_the_hold_and_the_validity_lapsed_leaves_the_coupon_expired()
    {
        var coupon = AHeldCoupon(validFor: Minutes(10));
        _clock.Advance(Minutes(16));

        Assert.Equal(CouponMove.HoldLapsed, coupon.Consume(Order1, Now));

        Assert.Equal(CouponStatus.Expired, coupon.Status);
    }

    [Fact]
    public void A_payment_after_the_coupon_ended_is_too_late_even_within_the_ttl()
    {
        var coupon = AHeldCoupon(validFor: Minutes(10));
        _clock.Advance(Minutes(10));

        Assert.Equal(CouponMove.HoldLapsed, coupon.Consume(Order1, Now));

        Assert.Equal(CouponStatus.Expired, coupon.Status);
    }

    [Fact]
    public void A_coupon_never_locked_cannot_be_spent()
    {
        var coupon = AUserCoupon.ValidFor(Days(7), _clock);

        Assert.Equal(CouponMove.NotAllowed, coupon.Consume(Order1, Now));

        Assert.Equal(CouponStatus.Available, coupon.Status);
    }

    [Fact]
    public void A_payment_for_an_order_that_never_held_the_coupon_is_refused()
    {
        var coupon = AHeldCoupon();
        _clock.Advance(Minutes(16));

        Assert.Equal(CouponMove.NotAllowed, coupon.Consume(Order2, Now));
    }

    [Fact]
    public void An_expired_coupon_cannot_be_spent()
    {
        var coupon = AUserCoupon.ExpiredSince(Days(1), _clock);

        Assert.Equal(CouponMove.NotAllowed, coupon.Consume(Order1, Now));

        Assert.Equal(CouponStatus.Expired, coupon.Status);
    }

    [Fact]
    public void A_coupon_released_by_its_order_cannot_be_spent_by_that_order()
    {
        var coupon = AHeldCoupon();
        Assert.Equal(CouponMove.Moved, coupon.Release(Order1, Now));

        Assert.Equal(CouponMove.NotAllowed, coupon.Consume(Order1, Now));
    }
}
