using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Engine.Coupons;
using static PromotionEngine.Engine.Tests.Durations;
using static PromotionEngine.Engine.Tests.Orders;

namespace PromotionEngine.Engine.Tests.Coupons;

public class RefundingAUserCoupon
{
    private readonly FakeTimeProvider _clock = new(Clocks.Start);

    private DateTimeOffset Now => _clock.GetUtcNow();

    private UserCoupon ASpentCoupon(TimeSpan validFor) =>
        AUserCoupon.ValidFor(validFor, _clock).LockedBy(Order1, Minutes(15), _clock).ConsumedBy(Order1, _clock);

    [Fact]
    public void A_refund_restores_a_still_valid_coupon_to_the_wallet()
    {
        var coupon = ASpentCoupon(validFor: Days(7));
        _clock.Advance(Days(2));

        Assert.Equal(CouponMove.Moved, coupon.Refund(Order1, Now));

        Assert.Equal(CouponStatus.Available, coupon.Status);
        Assert.Null(coupon.Order);
        Assert.Null(coupon.ConsumedAt);
        Assert.Equal(Now, coupon.UpdatedAt);
    }

    [Fact]
    public void A_refund_after_the_validity_passed_leaves_the_coupon_expired()
    {
        var coupon = ASpentCoupon(validFor: Days(7));
        _clock.Advance(Days(8));

        Assert.Equal(CouponMove.Moved, coupon.Refund(Order1, Now));

        Assert.Equal(CouponStatus.Expired, coupon.Status);
        Assert.Null(coupon.Order);
    }

    [Fact]
    public void A_refund_at_the_instant_the_validity_ends_leaves_the_coupon_expired()
    {
        var coupon = ASpentCoupon(validFor: Days(7));
        _clock.Advance(Days(7));

        Assert.Equal(CouponMove.Moved, coupon.Refund(Order1, Now));

        Assert.Equal(CouponStatus.Expired, coupon.Status);
    }

    [Fact]
    public void A_refunded_coupon_can_be_locked_by_a_new_order()
    {
        var coupon = ASpentCoupon(validFor: Days(7)).RefundedTo(Order1, _clock);

        Assert.Equal(CouponMove.Moved, coupon.Lock(Order2, Minutes(15), Now));
    }

    [Fact]
    public void Another_order_cannot_refund_a_coupon_it_did_not_spend()
    {
        var coupon = ASpentCoupon(validFor: Days(7));

        Assert.Equal(CouponMove.HeldByAnotherOrder, coupon.Refund(Order2, Now));

        Assert.Equal(CouponStatus.Consumed, coupon.Status);
        Assert.Equal(Order1, coupon.Order);
    }

    [Fact]
    public void A_coupon_never_spent_cannot_be_refunded()
    {
        var available = AUserCoupon.ValidFor(Days(7), _clock);
        var held = AUserCoupon.ValidFor(Days(7), _clock).LockedBy(Order1, Minutes(15), _clock);
        var expired = AUserCoupon.ExpiredSince(Days(1), _clock);

        Assert.Equal(CouponMove.NotAllowed, available.Refund(Order1, Now));
        Assert.Equal(CouponMove.NotAllowed, held.Refund(Order1, Now));
        Assert.Equal(CouponMove.NotAllowed, expired.Refund(Order1, Now));

        Assert.Equal(CouponStatus.Locked, held.Status);
    }

    [Fact]
    public void A_coupon_cannot_be_refunded_twice()
    {
        var coupon = ASpentCoupon(validFor: Days(7)).RefundedTo(Order1, _clock);

        Assert.Equal(CouponMove.NotAllowed, coupon.Refund(Order1, Now));

        Assert.Equal(CouponStatus.Available, coupon.Status);
    }
}
