using PromotionEngine.Engine.Coupons;
using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Tests.Coupons;

/// <summary>Builds user coupons in the words of the lifecycle; each step asserts it really happened.</summary>
internal static class AUserCoupon
{
    public static readonly UserId AUser = new(42);
    public static readonly TemplateId ATemplate = new(7);
    public static readonly MerchantId AMerchant = new(3);

    /// <summary>A coupon claimed now and valid for <paramref name="life"/> from now.</summary>
    public static UserCoupon ValidFor(TimeSpan life, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return UserCoupon.Restore(new UserCouponId(1001), AUser, ATemplate, AMerchant, CouponStatus.Available,
            claimedAt: now, validFrom: now, validUntil: now + life, order: null, lockedUntil: null, consumedAt: null, updatedAt: now, version: 0);
    }

    /// <summary>A coupon the sweep already stored as expired.</summary>
    public static UserCoupon ExpiredSince(TimeSpan ago, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return UserCoupon.Restore(new UserCouponId(1002), AUser, ATemplate, AMerchant, CouponStatus.Expired,
            claimedAt: now - ago - TimeSpan.FromDays(7), validFrom: now - ago - TimeSpan.FromDays(7), validUntil: now - ago,
            order: null, lockedUntil: null, consumedAt: null, updatedAt: now - ago, version: 3);
    }

    /// <summary>A hold stored as it was before holds were capped at the coupon's end.</summary>
    public static UserCoupon HeldPastItsEnd(OrderId order, TimeSpan validFor, TimeSpan ttl, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return UserCoupon.Restore(new UserCouponId(1003), AUser, ATemplate, AMerchant, CouponStatus.Locked,
            claimedAt: now, validFrom: now, validUntil: now + validFor, order: order, lockedUntil: now + ttl, consumedAt: null, updatedAt: now,
            version: 1);
    }

    /// <summary>
    /// The coupons the rule tables start from, by the name a row gives them: each claimed now, valid 7 days unless the
    /// name says otherwise; "held" is a 15-minute lock made now.
    /// </summary>
    public static UserCoupon Named(string situation, TimeProvider clock) => situation switch
    {
        "available" => ValidFor(TimeSpan.FromDays(7), clock),
        "available, valid 10 min" => ValidFor(TimeSpan.FromMinutes(10), clock),
        "held by order-1" => ValidFor(TimeSpan.FromDays(7), clock).LockedBy(Orders.Order1, TimeSpan.FromMinutes(15), clock),
        "held by order-1, valid 10 min" => ValidFor(TimeSpan.FromMinutes(10), clock).LockedBy(Orders.Order1, TimeSpan.FromMinutes(15), clock),
        "held by order-1 past its end, valid 10 min" => HeldPastItsEnd(Orders.Order1, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(15), clock),
        "released by order-1" => Named("held by order-1", clock).ReleasedBy(Orders.Order1, clock),
        "spent by order-1" => Named("held by order-1", clock).ConsumedBy(Orders.Order1, clock),
        "spent by order-1, valid 1 hour" => ValidFor(TimeSpan.FromHours(1), clock).LockedBy(Orders.Order1, TimeSpan.FromMinutes(15), clock)
            .ConsumedBy(Orders.Order1, clock),
        "refunded to order-1" => Named("spent by order-1", clock).RefundedTo(Orders.Order1, clock),
        "stored as expired" => ExpiredSince(TimeSpan.FromDays(1), clock),
        _ => throw new ArgumentOutOfRangeException(nameof(situation), situation, "Not a situation the rule tables name."),
    };

    /// <summary>Everything a verb may change, to compare two coupons by.</summary>
    public static string State(this UserCoupon c) =>
        $"{c.Status} order={c.Order} lockedUntil={c.LockedUntil:O} consumedAt={c.ConsumedAt:O} updatedAt={c.UpdatedAt:O} " +
        $"transitions={string.Join("; ", c.Transitions)}";

    public static UserCoupon LockedBy(this UserCoupon coupon, OrderId order, TimeSpan ttl, TimeProvider clock)
    {
        Assert.Equal(CouponMove.Moved, coupon.Lock(order, ttl, clock.GetUtcNow()));
        return coupon;
    }

    public static UserCoupon ConsumedBy(this UserCoupon coupon, OrderId order, TimeProvider clock)
    {
        Assert.Equal(CouponMove.Moved, coupon.Consume(order, clock.GetUtcNow()));
        return coupon;
    }

    public static UserCoupon ReleasedBy(this UserCoupon coupon, OrderId order, TimeProvider clock)
    {
        Assert.Equal(CouponMove.Moved, coupon.Release(order, clock.GetUtcNow()));
        return coupon;
    }

    public static UserCoupon RefundedTo(this UserCoupon coupon, OrderId order, TimeProvider clock)
    {
        Assert.Equal(CouponMove.Moved, coupon.Refund(order, clock.GetUtcNow()));
        return coupon;
    }
}
