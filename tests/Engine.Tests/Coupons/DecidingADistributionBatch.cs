using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Engine.Distribution;
using PromotionEngine.Kernel;
using static PromotionEngine.Contracts.Engine.DistributionRefusal;

namespace PromotionEngine.Engine.Tests.Coupons;

/// <summary>A distribution batch is decided like claims: the window for all, then per recipient the limit, then stock in order.</summary>
public class DecidingADistributionBatch
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly MerchantId Merchant = new(7);

    private static CouponTemplateSnapshot Template(bool terminated = false, int validFromDays = -1, int validUntilDays = 10) =>
        new(new TemplateId(1), Merchant, "CNY", terminated, Now.AddDays(validFromDays), Now.AddDays(validUntilDays), null, 100, 2, 1);

    [Fact]
    public void The_window_refuses_the_whole_batch()
    {
        Assert.Equal(None, DistributionDecider.WindowRefusal(Template(), Merchant, Now));
        Assert.Equal(TemplateNotFound, DistributionDecider.WindowRefusal(null, Merchant, Now));
        Assert.Equal(TemplateNotFound, DistributionDecider.WindowRefusal(Template(), new MerchantId(8), Now));
        Assert.Equal(TemplateTerminated, DistributionDecider.WindowRefusal(Template(terminated: true), Merchant, Now));
        Assert.Equal(TemplateNotStarted, DistributionDecider.WindowRefusal(Template(validFromDays: 1), Merchant, Now));
        Assert.Equal(TemplateEnded, DistributionDecider.WindowRefusal(Template(validUntilDays: 0), Merchant, Now));
    }

    [Fact]
    public void Users_at_their_limit_are_refused_and_stock_goes_to_the_others_in_row_order()
    {
        var users = new[] { 1L, 2, 3, 4, 5 }.Select(u => new UserId(u)).ToList();
        var claimed = new Dictionary<long, int> { [2] = 2, [3] = 1 };

        var decisions = DistributionDecider.Decide(users, claimed, perUserLimit: 2, stockLeft: 2);

        Assert.Equal([None, UserLimitReached, None, OutOfStock, OutOfStock], decisions);
        Assert.All(DistributionDecider.Decide(users, claimed, 2, stockLeft: -3), d => Assert.NotEqual(None, d));
    }
}
