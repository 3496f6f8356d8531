using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Engine.Coupons;
using static PromotionEngine.Engine.Tests.Durations;
using static PromotionEngine.Engine.Tests.Orders;

namespace PromotionEngine.Engine.Tests.Coupons;

public class ReleasingAUserCoupon
{
    private readonly FakeTimeProvider _clock = new(Clocks.Start);

    private DateTimeOffset Now => _clock.GetUtcNow();

    [Fact]
    public void A_failed_payment_gives_the_coupon_back_to_the_wallet()
    {
        var coupon = AUserCoupon.ValidFor(Days(7), _clock).LockedBy(Order1, Minutes(15), _clock);
        _clock.Advance(Minutes(3));

        Assert.Equal(CouponMove.Moved, coupon.Release(Order1, Now));

        Assert.Equal(CouponStatus.Available, coupon.Status);
        Assert.Null(coupon.Order);
        Assert.Null(coupon.Hold);
        Assert.Equal(Now, coupon.UpdatedAt);
    }

    [Fact]
    public void Releasing_after_the_coupon_ended_finds_it_already_expired()
    {
        // The hold ended with the coupon, so there is nothing left to release.
        var coupon = AUserCoupon.ValidFor(Minutes(10), _clock).LockedBy(Order1, Minutes(15), _clock);
        _clock.Advance(Minutes(12));

        Assert.Equal(CouponMove.AlreadyDone, coupon.Release(Order1, Now));

        Assert.Equal(CouponStatus.Expired, coupon.Status);
        Assert.Null(coupon.Hold);
    }

    [Fact]
    public void A_hold_stored_past_the_coupon_end_releases_it_as_expired()
    {
        // Holds stored before they were capped at the coupon's end may still outlive it.
        var coupon = AUserCoupon.HeldPastItsEnd(Order1, validFor: Minutes(10), ttl: Minutes(15), _clock);
        _clock.Advance(Minutes(12));

        Assert.Equal(CouponMove.Moved, coupon.Release(Order1, Now));

        Assert.Equal(CouponStatus.Expired, coupon.Status);
        Assert.Null(coupon.Hold);
    }

    [Fact]
    public void Releasing_twice_is_already_done()
    {
        var coupon = AUserCoupon.ValidFor(Days(7), _clock).LockedBy(Order1, Minutes(15), _clock);
        Assert.Equal(CouponMove.Moved, coupon.Release(Order1, Now));

        Assert.Equal(CouponMove.AlreadyDone, coupon.Release(Order1, Now));

        Assert.Equal(CouponStatus.Available, coupon.Status);
    }

    [Fact]
    public void Releasing_after_the_hold_lapsed_is_already_done()
    {
        var coupon = AUserCoupon.ValidFor(Days(7), _clock).LockedBy(Order1, Minutes(15), _clock);
        _clock.Advance(Minutes(20));

        Assert.Equal(CouponMove.AlreadyDone, coupon.Release(Order1, Now));

        Assert.Equal(CouponStatus.Available, coupon.Status);
    }

    [Fact]
    public void Releasing_for_an_order_that_does_not_hold_the_coupon_leaves_the_hold_alone()
    {
        var coupon = AUserCoupon.ValidFor(Days(7), _clock).LockedBy(Order1, Minutes(15), _clock);
        var hold = coupon.Hold;

        Assert.Equal(CouponMove.AlreadyDone, coupon.Release(Order2, Now));

        Assert.Equal(hold, coupon.Hold);
    }

    [Fact]
    public void A_spent_coupon_cannot_be_released_by_the_order_that_spent_it()
    {
        var coupon = AUserCoupon.ValidFor(Days(7), _clock).LockedBy(Order1, Minutes(15), _clock).ConsumedBy(Order1, _clock);

        Assert.Equal(CouponMove.NotAllowed, coupon.Release(Order1, Now));

        Assert.Equal(CouponStatus.Consumed, coupon.Status);
        Assert.Equal(Order1, coupon.Order);
    }

    [Fact]
    public void Releasing_for_another_order_leaves_a_spent_coupon_spent()
    {
        var coupon = AUserCoupon.ValidFor(Days(7), _clock).LockedBy(Order1, Minutes(15), _clock).ConsumedBy(Order1, _clock);

        Assert.Equal(CouponMove.AlreadyDone, coupon.Release(Order2, Now));

        Assert.Equal(CouponStatus.Consumed, coupon.Status);
    }
}
