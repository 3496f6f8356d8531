using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Engine.Coupons;
using PromotionEngine.Kernel;
using static PromotionEngine.Engine.Tests.Durations;

namespace PromotionEngine.Engine.Tests.Coupons;

public class ClaimingAUserCoupon
{
    private readonly FakeTimeProvider _clock = new(Clocks.Start);

    private DateTimeOffset Now => _clock.GetUtcNow();

    private CouponTemplateSnapshot ATemplateEndingIn(TimeSpan left, TimeSpan? validityAfterClaim = null) =>
        new(new TemplateId(7), new MerchantId(3), "CNY", Terminated: false, ValidFrom: Now - Days(1), ValidUntil: Now + left,
            validityAfterClaim, Stock: 100, PerUserLimit: 1, Version: 0);

    private UserCoupon Claim(CouponTemplateSnapshot template) => UserCoupon.Claim(new UserCouponId(1001), AUserCoupon.AUser, template, Now);

    [Fact]
    public void A_coupon_without_its_own_life_lasts_until_the_template_ends()
    {
        var template = ATemplateEndingIn(Days(30));

        Assert.Equal(template.ValidUntil, Claim(template).ValidUntil);
    }

    [Fact]
    public void A_shorter_life_after_claim_ends_the_coupon_before_the_template()
    {
        var coupon = Claim(ATemplateEndingIn(Days(30), validityAfterClaim: Days(7)));

        Assert.Equal(Now + Days(7), coupon.ValidUntil);
    }

    [Fact]
    public void A_life_after_claim_never_outlasts_the_template()
    {
        var template = ATemplateEndingIn(Days(3), validityAfterClaim: Days(7));

        Assert.Equal(template.ValidUntil, Claim(template).ValidUntil);
    }

    [Fact]
    public void A_life_ending_with_the_template_ends_with_the_template()
    {
        var template = ATemplateEndingIn(Days(7), validityAfterClaim: Days(7));

        Assert.Equal(template.ValidUntil, Claim(template).ValidUntil);
    }

    [Fact]
    public void A_new_coupon_is_available_from_the_claim_and_held_by_no_order()
    {
        var template = ATemplateEndingIn(Days(30));

        var coupon = Claim(template);

        Assert.Equal(CouponStatus.Available, coupon.Status);
        Assert.Equal(Now, coupon.ClaimedAt);
        Assert.Equal(Now, coupon.ValidFrom);
        Assert.Equal(Now, coupon.UpdatedAt);
        Assert.Equal(template.Id, coupon.Template);
        Assert.Equal(template.Merchant, coupon.Merchant);
        Assert.Equal(AUserCoupon.AUser, coupon.User);
        Assert.Null(coupon.Order);
        Assert.Null(coupon.Hold);
        Assert.Null(coupon.ConsumedAt);
        Assert.Equal(0, coupon.Version);
    }
}
