using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Engine.Coupons;
using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Tests.Coupons;

/// <summary>How the rule tables apply a lifecycle verb to a named coupon and check what it answered and left.</summary>
internal static class Verbs
{
    public static Func<UserCoupon, DateTimeOffset, CouponMove> Lock(string by, TimeSpan ttl)
        => (coupon, now) => coupon.Lock(new OrderId(by), ttl, now);

    public static Func<UserCoupon, DateTimeOffset, CouponMove> Consume(string by) => (coupon, now) => coupon.Consume(new OrderId(by), now);

    public static Func<UserCoupon, DateTimeOffset, CouponMove> Release(string by) => (coupon, now) => coupon.Release(new OrderId(by), now);

    public static Func<UserCoupon, DateTimeOffset, CouponMove> Refund(string by) => (coupon, now) => coupon.Refund(new OrderId(by), now);

    /// <summary>
    /// Builds the named coupon (<see cref="AUserCoupon.Named"/>), moves the clock <paramref name="at"/> on from the claim, applies
    /// the verb, and checks its answer, the status and the order after ("-": none). A verb that moves the coupon stamps it
    /// with the time; any other answer changes nothing but what the clock had already decided: the coupon ends exactly as
    /// its twin that was only settled (<see cref="UserCoupon.Settle"/>) at that time.
    /// </summary>
    public static UserCoupon AssertAnswered(string coupon, string at, Func<UserCoupon, DateTimeOffset, CouponMove> verb, string answers, string then,
        string order)
    {
        var clock = new FakeTimeProvider(Clocks.Start);
        var subject = AUserCoupon.Named(coupon, clock);
        var twin = AUserCoupon.Named(coupon, new FakeTimeProvider(Clocks.Start));
        clock.Advance(Durations.Parse(at));
        var now = clock.GetUtcNow();

        Assert.Equal(Enum.Parse<CouponMove>(answers), verb(subject, now));

        Assert.Equal(CouponStatusNames.Parse(then), subject.Status);
        Assert.Equal(Orders.Named(order), subject.Order);
        if (answers == nameof(CouponMove.Moved))
        {
            Assert.Equal(now, subject.UpdatedAt);
        }
        else
        {
            twin.Settle(now);
            Assert.Equal(twin.State(), subject.State());
        }
        return subject;
    }
}
