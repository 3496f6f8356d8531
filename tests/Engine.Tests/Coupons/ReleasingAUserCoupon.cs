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

    /// <summary>
    /// The release rule table (times from the claim; valid 7 days unless named; "held": 15 minutes from the claim). Releasing
    /// is idempotent: whatever is not a release changes nothing but what the clock had decided (<see cref="Verbs.AssertAnswered"/>).
    /// </summary>
    [Theory]
    //          the coupon                                     released at  by         answers        then         order
    [InlineData("held by order-1 past its end, valid 10 min", "12 min",    "order-1", "Moved",       "EXPIRED",   "-")]        // a hold stored before holds were capped at the coupon's end
    [InlineData("held by order-1, valid 10 min",              "12 min",    "order-1", "AlreadyDone", "EXPIRED",   "order-1")]  // the hold ended with the coupon: nothing left to release
    [InlineData("released by order-1",                        "1 min",     "order-1", "AlreadyDone", "AVAILABLE", "-")]        // twice
    [InlineData("held by order-1",                            "20 min",    "order-1", "AlreadyDone", "AVAILABLE", "order-1")]  // after the hold lapsed
    [InlineData("held by order-1",                            "1 min",     "order-2", "AlreadyDone", "LOCKED",    "order-1")]  // an order that does not hold it leaves the hold alone
    [InlineData("spent by order-1",                           "1 min",     "order-1", "NotAllowed",  "CONSUMED",  "order-1")]  // the order that spent it
    [InlineData("spent by order-1",                           "1 min",     "order-2", "AlreadyDone", "CONSUMED",  "order-1")]  // another order leaves it spent
    public void What_a_release_answers_and_where_it_leaves_the_coupon(string coupon, string at, string by, string answers, string then, string order)
        => Verbs.AssertAnswered(coupon, at, Verbs.Release(by), answers, then, order);
}
