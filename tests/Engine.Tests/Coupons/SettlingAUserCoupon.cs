using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Engine.Coupons;
using static PromotionEngine.Engine.Tests.Durations;
using static PromotionEngine.Engine.Tests.Orders;

namespace PromotionEngine.Engine.Tests.Coupons;

/// <summary>What the sweep does: store the status the clock already decided.</summary>
public class SettlingAUserCoupon
{
    private readonly FakeTimeProvider _clock = new(Clocks.Start);

    private DateTimeOffset Now => _clock.GetUtcNow();

    [Fact]
    public void An_available_coupon_shows_expired_from_the_instant_its_validity_ends()
    {
        var coupon = AUserCoupon.ValidFor(Days(7), _clock);

        _clock.Advance(Days(7) - OneTick);
        Assert.Equal(CouponStatus.Available, coupon.StatusAt(Now));
        _clock.Advance(OneTick);
        Assert.Equal(CouponStatus.Expired, coupon.StatusAt(Now));
    }

    [Fact]
    public void A_coupon_past_its_validity_is_stored_as_expired()
    {
        var coupon = AUserCoupon.ValidFor(Days(7), _clock);
        _clock.Advance(Days(8));

        Assert.True(coupon.Settle(Now));

        Assert.Equal(CouponStatus.Expired, coupon.Status);
        Assert.Equal(Now, coupon.UpdatedAt);
    }

    [Fact]
    public void A_lapsed_hold_is_stored_as_released()
    {
        var coupon = AUserCoupon.ValidFor(Days(7), _clock).LockedBy(Order1, Minutes(15), _clock);
        _clock.Advance(Minutes(16));

        Assert.True(coupon.Settle(Now));

        Assert.Equal(CouponStatus.Available, coupon.Status);
        Assert.Null(coupon.Hold);
        Assert.Equal(Now, coupon.UpdatedAt);
    }

    [Fact]
    public void A_hold_that_lapsed_after_the_validity_ended_is_stored_as_expired()
    {
        var coupon = AUserCoupon.ValidFor(Minutes(10), _clock).LockedBy(Order1, Minutes(15), _clock);
        _clock.Advance(Minutes(16));

        Assert.True(coupon.Settle(Now));

        Assert.Equal(CouponStatus.Expired, coupon.Status);
    }

    [Fact]
    public void A_running_hold_is_left_alone()
    {
        var coupon = AUserCoupon.ValidFor(Days(7), _clock).LockedBy(Order1, Minutes(15), _clock);
        var updatedAt = coupon.UpdatedAt;
        _clock.Advance(Minutes(14));

        Assert.False(coupon.Settle(Now));

        Assert.Equal(CouponStatus.Locked, coupon.Status);
        Assert.Equal(updatedAt, coupon.UpdatedAt);
    }

    [Fact]
    public void A_valid_coupon_is_left_alone()
    {
        var coupon = AUserCoupon.ValidFor(Days(7), _clock);
        var updatedAt = coupon.UpdatedAt;
        _clock.Advance(Days(6));

        Assert.False(coupon.Settle(Now));

        Assert.Equal(CouponStatus.Available, coupon.Status);
        Assert.Equal(updatedAt, coupon.UpdatedAt);
    }

    [Fact]
    public void A_spent_coupon_is_left_alone_after_its_validity()
    {
        var coupon = AUserCoupon.ValidFor(Days(7), _clock).LockedBy(Order1, Minutes(15), _clock).ConsumedBy(Order1, _clock);
        _clock.Advance(Days(30));

        Assert.False(coupon.Settle(Now));

        Assert.Equal(CouponStatus.Consumed, coupon.Status);
    }

    [Fact]
    public void Settling_twice_changes_nothing_the_second_time()
    {
        var coupon = AUserCoupon.ValidFor(Days(7), _clock);
        _clock.Advance(Days(8));
        Assert.True(coupon.Settle(Now));
        _clock.Advance(Days(1));

        Assert.False(coupon.Settle(Now));

        Assert.Equal(CouponStatus.Expired, coupon.Status);
    }
}
