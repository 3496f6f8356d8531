using static PromotionEngine.Engine.Tests.Durations;

namespace PromotionEngine.Engine.Tests.Coupons;

public class LockingAUserCoupon
{
    /// <summary>
    /// The lock rule table. Times count from the claim; a coupon is valid 7 days unless its name says otherwise; "held" is a
    /// 15-minute lock made at the claim. A lock that moves the coupon holds it for 15 minutes, never past the coupon's end;
    /// any other answer changes nothing but what the clock had already decided (<see cref="Verbs.AssertAnswered"/>).
    /// </summary>
    [Theory]
    //          the coupon                       locked at          by         answers               then         order      held until
    [InlineData("available",                     "5 min",           "order-1", "Moved",              "LOCKED",    "order-1", "20 min")]
    [InlineData("available",                     "7 days - 1 tick", "order-1", "Moved",              "LOCKED",    "order-1", "7 days")]  // to the last instant of its validity
    [InlineData("available, valid 10 min",       "0",               "order-1", "Moved",              "LOCKED",    "order-1", "10 min")]  // a hold never outlives the coupon
    [InlineData("held by order-1",               "10 min",          "order-1", "AlreadyDone",        "LOCKED",    "order-1", "15 min")]  // a repeat keeps the first hold
    [InlineData("held by order-1",               "1 min",           "order-2", "HeldByAnotherOrder", "LOCKED",    "order-1", "15 min")]
    [InlineData("held by order-1",               "15 min",          "order-2", "Moved",              "LOCKED",    "order-2", "30 min")]  // the first hold lapsed
    [InlineData("held by order-1",               "20 min",          "order-1", "Moved",              "LOCKED",    "order-1", "35 min")]  // its own hold lapsed
    [InlineData("refunded to order-1",           "0",               "order-2", "Moved",              "LOCKED",    "order-2", "15 min")]
    [InlineData("spent by order-1",              "1 min",           "order-2", "NotAllowed",         "CONSUMED",  "order-1", "-")]
    [InlineData("spent by order-1",              "1 min",           "order-1", "NotAllowed",         "CONSUMED",  "order-1", "-")]
    [InlineData("available",                     "7 days",          "order-1", "NotAllowed",         "EXPIRED",   "-",       "-")]       // and stored as expired
    [InlineData("stored as expired",             "1 min",           "order-1", "NotAllowed",         "EXPIRED",   "-",       "-")]
    public void What_a_lock_answers_and_where_it_leaves_the_coupon(string coupon, string at, string by, string answers, string then, string order,
        string heldUntil)
    {
        var locking = Verbs.Lock(by, Minutes(15));

        var after = Verbs.AssertAnswered(coupon, at, locking, answers, then, order);

        Assert.Equal(heldUntil == "-" ? null : Clocks.Start + Durations.Parse(heldUntil), after.Hold?.Until);
    }
}
