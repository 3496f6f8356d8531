using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Engine.Coupons;
using static PromotionEngine.Engine.Tests.Durations;

namespace PromotionEngine.Engine.Tests.Coupons;

/// <summary>
/// What the clock decides (a lapsed hold is released, an ended coupon expired, from that instant) and what the sweep
/// does: store it.
/// </summary>
public class SettlingAUserCoupon
{
    private readonly FakeTimeProvider _clock = new(Clocks.Start);

    private DateTimeOffset Now => _clock.GetUtcNow();

    /// <summary>
    /// The status the clock gives a coupon before the sweep stores anything (times from the claim; valid 7 days unless
    /// named; "held": 15 minutes).
    /// </summary>
    [Theory]
    //          the coupon                        at                 shows as      stored as
    [InlineData("available",                      "7 days - 1 tick", "AVAILABLE",  "AVAILABLE")]
    [InlineData("available",                      "7 days",          "EXPIRED",    "AVAILABLE")]  // from the instant its validity ends
    [InlineData("held by order-1",                "15 min - 1 tick", "LOCKED",     "LOCKED")]
    [InlineData("held by order-1",                "15 min",          "AVAILABLE",  "LOCKED")]     // an unpaid lock lapses after its ttl
    [InlineData("held by order-1",                "16 min",          "AVAILABLE",  "LOCKED")]     // the lapse is seen before the sweep stores it
    [InlineData("held by order-1, valid 10 min",  "15 min",          "EXPIRED",    "LOCKED")]     // a lapsed lock past the coupon's validity
    [InlineData("spent by order-1, valid 1 hour", "30 days",         "CONSUMED",   "CONSUMED")]   // spent stays spent whatever the clock says
    public void What_the_clock_decides_before_the_sweep_stores_it(string coupon, string at, string showsAs, string storedAs)
    {
        var subject = AUserCoupon.Named(coupon, _clock);
        _clock.Advance(Durations.Parse(at));

        Assert.Equal(CouponStatusNames.Parse(showsAs), subject.StatusAt(Now));
        Assert.Equal(CouponStatusNames.Parse(storedAs), subject.Status);
    }

    /// <summary>What the sweep stores (times from the claim): what the clock decided, stamped now; nothing at all when it decided nothing.</summary>
    [Theory]
    //          the coupon                        swept at    stores   then
    [InlineData("available",                      "8 days",   true,    "EXPIRED")]    // past its validity
    [InlineData("held by order-1",                "16 min",   true,    "AVAILABLE")]  // a lapsed hold is released
    [InlineData("held by order-1, valid 10 min",  "16 min",   true,    "EXPIRED")]    // a hold that lapsed after the validity ended
    [InlineData("held by order-1",                "14 min",   false,   "LOCKED")]     // a running hold is left alone
    [InlineData("available",                      "6 days",   false,   "AVAILABLE")]  // a valid coupon is left alone
    [InlineData("spent by order-1",               "30 days",  false,   "CONSUMED")]   // a spent coupon is left alone after its validity
    public void What_the_sweep_stores(string coupon, string at, bool stores, string then)
    {
        var subject = AUserCoupon.Named(coupon, _clock);
        var before = subject.UpdatedAt;
        _clock.Advance(Durations.Parse(at));

        Assert.Equal(stores, subject.Settle(Now));

        Assert.Equal(CouponStatusNames.Parse(then), subject.Status);
        Assert.Equal(stores ? Now : before, subject.UpdatedAt);
        if (stores) Assert.Null(subject.Hold);
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
