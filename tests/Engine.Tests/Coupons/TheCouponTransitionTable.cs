using PromotionEngine.Engine.Coupons;

namespace PromotionEngine.Engine.Tests.Coupons;

/// <summary>All sixteen pairs of statuses: seven moves of the lifecycle, nine refused.</summary>
public class TheCouponTransitionTable
{
    private static bool CanMove(string from, string to) => UserCoupon.CanMove(CouponStatusNames.Parse(from), CouponStatusNames.Parse(to));

    [Theory]
    [InlineData("AVAILABLE", "LOCKED")]   // lock
    [InlineData("AVAILABLE", "EXPIRED")]  // the validity passed
    [InlineData("LOCKED", "CONSUMED")]    // payment succeeded
    [InlineData("LOCKED", "AVAILABLE")]   // release, or the hold lapsed
    [InlineData("LOCKED", "EXPIRED")]     // released or lapsed after the validity passed
    [InlineData("CONSUMED", "AVAILABLE")] // refund while still valid
    [InlineData("CONSUMED", "EXPIRED")]   // refund after the validity passed
    public void Allows_each_move_of_the_lifecycle(string from, string to) => Assert.True(CanMove(from, to));

    [Theory]
    [InlineData("AVAILABLE", "AVAILABLE")]
    [InlineData("AVAILABLE", "CONSUMED")] // spent without being held
    [InlineData("LOCKED", "LOCKED")]
    [InlineData("CONSUMED", "LOCKED")]
    [InlineData("CONSUMED", "CONSUMED")]
    [InlineData("EXPIRED", "AVAILABLE")]  // expired is final
    [InlineData("EXPIRED", "LOCKED")]
    [InlineData("EXPIRED", "CONSUMED")]
    [InlineData("EXPIRED", "EXPIRED")]
    public void Refuses_every_other_move(string from, string to) => Assert.False(CanMove(from, to));
}
