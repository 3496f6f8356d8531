using PromotionEngine.Clearing.Facts;
using PromotionEngine.Clearing.Journal;
using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Contracts.Events.MerchantAdmin.V1;
using PromotionEngine.Contracts.Events.Settlement.V1;

namespace PromotionEngine.Clearing.Tests.Journal;

/// <summary>Events in, facts out: dimensions from the template, channels, statuses, and the funding split per coupon and line.</summary>
public sealed class DerivingFacts
{
    private static readonly DateTimeOffset At = new(2026, 6, 18, 23, 30, 0, TimeSpan.Zero);
    private static readonly Guid EventId = Guid.NewGuid();

    private static readonly TemplateDimension Split30 = new()
    {
        TemplateId = 70, MerchantId = 7, Name = "会员日满100减20", Currency = "CNY", Scope = "SHOP", Funding = FundingKinds.Split,
        PlatformShareBps = 3000, Version = 2,
    };

    [Fact]
    public void A_distributed_coupon_is_claimed_on_the_distribution_channel_with_its_task()
    {
        var e = new CouponClaimed(700, 70, 1001, 7, At, At, At.AddDays(7), CouponSources.Distribution, "4711");
        var fact = FactDerivation.Claimed(EventId, e, Split30);
        Assert.Equal((Movements.Claimed, Channels.Distribution, "4711", 1), (fact.Movement, fact.Channel, fact.ChannelId, fact.Coupons));
        Assert.Equal((7L, 70L, "CNY", "SHOP", FundingKinds.Split, 3000), (fact.MerchantId, fact.TemplateId, fact.Currency, fact.Scope, fact.Funding,
            fact.PlatformShareBps));
        Assert.Equal((EventId, 0, new DateOnly(2026, 6, 18)), (fact.EventId, fact.Line, fact.PostingDay));
        Assert.Equal(Channels.Claim, FactDerivation.Claimed(EventId, e with { Source = CouponSources.Claim, SourceId = null }, Split30).Channel);
    }

    [Fact]
    public void Released_and_restored_coupons_keep_where_they_went()
    {
        var released = FactDerivation.Released(EventId,
            new CouponReleased(700, 70, 1001, 7, "ord-1", ReleaseReasons.HoldExpired, "EXPIRED", At), Split30);
        var restored = FactDerivation.Restored(EventId, new CouponRefunded(700, 70, 1001, 7, "ord-1", "AVAILABLE", At), Split30);
        Assert.Equal((Movements.Released, "EXPIRED", "ord-1"), (released.Movement, released.Status, released.OrderId));
        Assert.Equal((Movements.Restored, "AVAILABLE", "ord-1"), (restored.Movement, restored.Status, restored.OrderId));
    }

    [Fact]
    public void A_paid_order_spends_each_coupon_split_by_funding_and_allocates_it_per_line()
    {
        var e = new OrderDiscountConsumed("ord-1", 1001, "CNY", 12_000, 500, 2_001, 10_499,
            [new SettledCouponDiscount(700, 70, 2_001,
                [new SettledLineShare(0, "tea", 6000, 1, 1_001), new SettledLineShare(1, "cup", 3000, 2, 1_000)])],
            At);
        var facts = FactDerivation.Spent(EventId, e, new Dictionary<long, TemplateDimension> { [70] = Split30 });

        Assert.Equal([Movements.DiscountSpent, Movements.DiscountAllocated, Movements.DiscountAllocated], facts.Select(f => f.Movement));
        Assert.Equal([0, 1, 2], facts.Select(f => f.Line));
        var spent = facts[0];
        Assert.Equal((2_001L, 600L, 1_401L, 12_000L), (spent.Discount, spent.PlatformPart, spent.MerchantPart, spent.OrderAmount));
        Assert.Equal((1_001L, 300L, 701L, 6_000L, 0, "tea"), (facts[1].Discount, facts[1].PlatformPart, facts[1].MerchantPart, facts[1].OrderAmount,
            facts[1].OrderLine, facts[1].Sku));
        Assert.All(facts, f => Assert.Equal(f.Discount, f.PlatformPart + f.MerchantPart));
    }

    [Fact]
    public void A_refund_returns_and_claws_back_per_coupon_and_leaves_out_what_is_zero()
    {
        var e = new OrderRefundSettled("ord-1", 1001, "r-1", "CNY", 6000, 0, 1000, 5000, 0, 6000, false, At,
            [new RefundedCouponDiscount(700, 70, 1_001, 0), new RefundedCouponDiscount(701, 70, 0, 1_000)]);
        var facts = FactDerivation.Refunded(EventId, e, new Dictionary<long, TemplateDimension> { [70] = Split30 });

        Assert.Equal([(Movements.DiscountReturned, 700L, 1_001L), (Movements.DiscountClawedBack, 701L, 1_000L)],
            facts.Select(f => (f.Movement, f.UserCouponId!.Value, f.Discount)));
        Assert.Equal([0, 1], facts.Select(f => f.Line));
        Assert.Empty(FactDerivation.Refunded(EventId, e with { Coupons = null }, new Dictionary<long, TemplateDimension>()));
    }

    [Fact]
    public void A_merchant_funded_template_puts_the_whole_discount_on_the_merchant_and_a_platform_one_on_the_platform()
    {
        var merchant = new TemplateDimension { TemplateId = 70, MerchantId = 7, Currency = "CNY", Scope = "SHOP" };
        var platform = new TemplateDimension
        {
            TemplateId = 70, MerchantId = 7, Currency = "CNY", Scope = "SHOP", Funding = FundingKinds.Platform,
            PlatformShareBps = 10_000
        };
        Assert.Equal((0L, 999L), FactDerivation.Split(999, merchant));
        Assert.Equal((999L, 0L), FactDerivation.Split(999, platform));
    }

    [Fact]
    public void A_template_is_kept_with_merchant_funding_when_its_event_names_none()
    {
        var state = new TemplateState(70, 7, "n", "d", "CNY", "PLATFORM", null, [], [], "FIXED_AMOUNT", 500, null, null, null, At, At.AddDays(7),
            null, 10, 1, null, 1, At, At, Funding: "");
        Assert.Equal(FundingKinds.Merchant, TemplateDimension.Of(state).Funding);
    }
}
