using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Engine.Coupons;
using static PromotionEngine.Engine.Tests.Durations;
using static PromotionEngine.Engine.Tests.Orders;

namespace PromotionEngine.Engine.Tests.Coupons;

public class RefundingAUserCoupon
{
    private readonly FakeTimeProvider _clock = new(Clocks.Start);

    private DateTimeOffset Now => _clock.GetUtcNow();

    [Fact]
    public void A_refund_restores_a_still_valid_coupon_to_the_wallet()
    {
        var coupon = AUserCoupon.ValidFor(Days(7), _clock).LockedBy(Order1, Minutes(15), _clock).ConsumedBy(Order1, _clock);
        _clock.Advance(Days(2));

        Assert.Equal(CouponMove.Moved, coupon.Refund(Order1, Now));

        Assert.Equal(CouponStatus.Available, coupon.Status);
        Assert.Null(coupon.Order);
        Assert.Null(coupon.ConsumedAt);
        Assert.Equal(Now, coupon.UpdatedAt);
    }

    /// <summary>
    /// The refund rule table (times from the claim; valid 7 days unless named). A refund that does not restore the coupon
    /// changes nothing (<see cref="Verbs.AssertAnswered"/>); a refunded coupon can be locked again (the lock table).
    /// </summary>
    [Theory]
    //          the coupon              refunded at  by         answers               then         order
    [InlineData("spent by order-1",     "8 days",    "order-1", "Moved",              "EXPIRED",   "-")]        // after the validity passed
    [InlineData("spent by order-1",     "7 days",    "order-1", "Moved",              "EXPIRED",   "-")]        // at the instant the validity ends
    [InlineData("spent by order-1",     "1 min",     "order-2", "HeldByAnotherOrder", "CONSUMED",  "order-1")]  // an order that did not spend it
    [InlineData("available",            "1 min",     "order-1", "NotAllowed",         "AVAILABLE", "-")]        // never spent
    [InlineData("held by order-1",      "1 min",     "order-1", "NotAllowed",         "LOCKED",    "order-1")]
    [InlineData("stored as expired",    "1 min",     "order-1", "NotAllowed",         "EXPIRED",   "-")]
    [InlineData("refunded to order-1",  "1 min",     "order-1", "NotAllowed",         "AVAILABLE", "-")]        // twice
    public void What_a_refund_answers_and_where_it_leaves_the_coupon(string coupon, string at, string by, string answers, string then, string order)
        => Verbs.AssertAnswered(coupon, at, Verbs.Refund(by), answers, then, order);
}
