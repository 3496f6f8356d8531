using PromotionEngine.Contracts.Http.Engine;
using PromotionEngine.Engine.Coupons;

namespace PromotionEngine.Engine.Http;

internal static class CouponMapping
{
    /// <summary>The coupon as the caller sees it now: the status the clock decides, a hold only while it lasts.</summary>
    public static UserCouponResponse ToResponse(this UserCoupon c, DateTimeOffset now)
    {
        var status = c.StatusAt(now);
        var held = status is CouponStatus.Locked or CouponStatus.Consumed;
        return new UserCouponResponse(c.Id.ToString(), c.Template.ToString(), c.User.ToString(), c.Merchant.ToString(),
            CouponStatusNames.Of(status), c.ClaimedAt, c.ValidFrom, c.ValidUntil, held ? c.Order?.Value : null,
            status == CouponStatus.Locked ? c.LockedUntil : null, status == CouponStatus.Consumed ? c.ConsumedAt : null);
    }
}
