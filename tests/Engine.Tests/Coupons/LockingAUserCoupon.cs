using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Engine.Coupons;
using static PromotionEngine.Engine.Tests.Durations;
using static PromotionEngine.Engine.Tests.Orders;

namespace PromotionEngine.Engine.Tests.Coupons;

public class LockingAUserCoupon
{
    private readonly FakeTimeProvider _clock = new(Clocks.Start);

    private DateTimeOffset Now => _clock.GetUtcNow();

    [Fact]
    public void Locking_an_available_coupon_holds_it_for_the_order_until_the_ttl_ends()
    {
        var coupon = AUserCoupon.ValidFor(Days(7), _clock);
        _clock.Advance(Minutes(5));

        Assert.Equal(CouponMove.Moved, coupon.Lock(Order1, Minutes(15), Now));

        Assert.Equal(CouponStatus.Locked, coupon.Status);
        Assert.Equal(new CouponHold(Order1, Now + Minutes(15)), coupon.Hold);
        Assert.Equal(Now, coupon.UpdatedAt);
    }

    [Fact]
    public void Locking_again_for_the_same_order_is_already_done_and_keeps_the_first_hold()
    {
        var coupon = AUserCoupon.ValidFor(Days(7), _clock).LockedBy(Order1, Minutes(15), _clock);
        var firstHold = coupon.Hold;
        _clock.Advance(Minutes(10));

        Assert.Equal(CouponMove.AlreadyDone, coupon.Lock(Order1, Minutes(15), Now));

        Assert.Equal(firstHold, coupon.Hold);
    }

    [Fact]
    public void A_coupon_held_by_one_order_cannot_be_locked_by_another()
    {
        var coupon = AUserCoupon.ValidFor(Days(7), _clock).LockedBy(Order1, Minutes(15), _clock);

        Assert.Equal(CouponMove.HeldByAnotherOrder, coupon.Lock(Order2, Minutes(15), Now));

        Assert.Equal(Order1, coupon.Hold?.Order);
    }

    [Fact]
    public void An_unpaid_lock_lapses_after_its_ttl()
    {
        var coupon = AUserCoupon.ValidFor(Days(7), _clock).LockedBy(Order1, Minutes(15), _clock);

        _clock.Advance(Minutes(15) - OneTick);
        Assert.Equal(CouponStatus.Locked, coupon.StatusAt(Now));
        _clock.Advance(OneTick);
        Assert.Equal(CouponStatus.Available, coupon.StatusAt(Now));
    }

    [Fact]
    public void A_hold_never_outlives_the_coupon()
    {
        var coupon = AUserCoupon.ValidFor(Minutes(10), _clock);

        Assert.Equal(CouponMove.Moved, coupon.Lock(Order1, Minutes(15), Now));

        Assert.Equal(new CouponHold(Order1, coupon.ValidUntil), coupon.Hold);
    }

    [Fact]
    public void A_lapsed_lock_shows_expired_once_the_coupon_is_past_its_validity()
    {
        var coupon = AUserCoupon.ValidFor(Minutes(10), _clock).LockedBy(Order1, Minutes(15), _clock);

        _clock.Advance(Minutes(15));

        Assert.Equal(CouponStatus.Expired, coupon.StatusAt(Now));
    }

    [Fact]
    public void The_lapse_is_seen_before_the_sweep_stores_it()
    {
        var coupon = AUserCoupon.ValidFor(Days(7), _clock).LockedBy(Order1, Minutes(15), _clock);

        _clock.Advance(Minutes(16));

        Assert.Equal(CouponStatus.Available, coupon.StatusAt(Now));
        Assert.Equal(CouponStatus.Locked, coupon.Status);
    }

    [Fact]
    public void Another_order_may_lock_the_coupon_once_the_first_hold_lapsed()
    {
        var coupon = AUserCoupon.ValidFor(Days(7), _clock).LockedBy(Order1, Minutes(15), _clock);
        _clock.Advance(Minutes(15));

        Assert.Equal(CouponMove.Moved, coupon.Lock(Order2, Minutes(15), Now));

        Assert.Equal(new CouponHold(Order2, Now + Minutes(15)), coupon.Hold);
    }

    [Fact]
    public void The_same_order_may_lock_again_once_its_hold_lapsed()
    {
        var coupon = AUserCoupon.ValidFor(Days(7), _clock).LockedBy(Order1, Minutes(15), _clock);
        _clock.Advance(Minutes(20));

        Assert.Equal(CouponMove.Moved, coupon.Lock(Order1, Minutes(15), Now));

        Assert.Equal(new CouponHold(Order1, Now + Minutes(15)), coupon.Hold);
    }

    [Fact]
    public void A_spent_coupon_cannot_be_locked()
    {
        var coupon = AUserCoupon.ValidFor(Days(7), _clock).LockedBy(Order1, Minutes(15), _clock).ConsumedBy(Order1, _clock);

        Assert.Equal(CouponMove.NotAllowed, coupon.Lock(Order2, Minutes(15), Now));
        Assert.Equal(CouponMove.NotAllowed, coupon.Lock(Order1, Minutes(15), Now));

        Assert.Equal(CouponStatus.Consumed, coupon.Status);
    }

    [Fact]
    public void A_coupon_past_its_validity_cannot_be_locked_and_is_stored_as_expired()
    {
        var coupon = AUserCoupon.ValidFor(Days(7), _clock);
        _clock.Advance(Days(7));

        Assert.Equal(CouponMove.NotAllowed, coupon.Lock(Order1, Minutes(15), Now));

        Assert.Equal(CouponStatus.Expired, coupon.Status);
        Assert.Null(coupon.Hold);
    }

    [Fact]
    public void A_coupon_stored_as_expired_cannot_be_locked()
    {
        var coupon = AUserCoupon.ExpiredSince(Days(1), _clock);

        Assert.Equal(CouponMove.NotAllowed, coupon.Lock(Order1, Minutes(15), Now));

        Assert.Equal(CouponStatus.Expired, coupon.Status);
    }

    [Fact]
    public void A_coupon_can_be_locked_until_the_last_instant_of_its_validity()
    {
        var coupon = AUserCoupon.ValidFor(Days(7), _clock);
        _clock.Advance(Days(7) - OneTick);

        Assert.Equal(CouponMove.Moved, coupon.Lock(Order1, Minutes(15), Now));
    }
}
