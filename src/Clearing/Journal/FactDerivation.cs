using PromotionEngine.Clearing.Days;
using PromotionEngine.Clearing.Facts;
using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Contracts.Events.MerchantAdmin.V1;
using PromotionEngine.Contracts.Events.Settlement.V1;

namespace PromotionEngine.Clearing.Journal;

/// <summary>
/// Events in, facts out: a pure function of the event, its id and the template dimension. Facts are numbered (Line) in the order
/// the event lists them, so the same event always makes the same keys. Each fact's posting day is its UTC day here; the journal
/// moves it past closed days. Seq is 0 until the journal numbers it.
/// </summary>
internal static class FactDerivation
{
    public static ClearingFact Claimed(Guid eventId, CouponClaimed e, TemplateDimension t) =>
        Coupon(eventId, Movements.Claimed, e.ClaimedAt, t, e, e.Source == CouponSources.Distribution ? Channels.Distribution : Channels.Claim,
            e.SourceId, orderId: null, status: null);

    public static ClearingFact Locked(Guid eventId, CouponLocked e, TemplateDimension t) =>
        Coupon(eventId, Movements.Locked, e.LockedAt, t, e, Channels.Order, e.OrderId, e.OrderId, status: null);

    public static ClearingFact Consumed(Guid eventId, CouponConsumed e, TemplateDimension t) =>
        Coupon(eventId, Movements.Consumed, e.ConsumedAt, t, e, Channels.Order, e.OrderId, e.OrderId, status: null);

    public static ClearingFact Released(Guid eventId, CouponReleased e, TemplateDimension t) =>
        Coupon(eventId, Movements.Released, e.ReleasedAt, t, e, Channels.Order, e.OrderId, e.OrderId, e.Status);

    public static ClearingFact Restored(Guid eventId, CouponRefunded e, TemplateDimension t) =>
        Coupon(eventId, Movements.Restored, e.RefundedAt, t, e, Channels.Order, e.OrderId, e.OrderId, e.Status);

    public static ClearingFact Expired(Guid eventId, CouponExpired e, TemplateDimension t) =>
        Coupon(eventId, Movements.Expired, e.ExpiredAt, t, e, Channels.Template, null, orderId: null, status: null);

    /// <summary>A template-level fact (no coupon moves): claims stopped.</summary>
    public static ClearingFact Terminated(Guid eventId, TemplateTerminated e, DateTimeOffset occurredAt, TemplateDimension t)
    {
        var at = e.Template.TerminatedAt ?? occurredAt;
        return new ClearingFact(0, eventId, 0, Movements.Terminated, at, DayNumbers.UtcDay(at), null, t.MerchantId, t.TemplateId, t.Scope,
            t.Currency, t.Funding, t.PlatformShareBps, Channels.Template, null, null, null, null, null, 0, 0, 0, 0, 0, null, null);
    }

    /// <summary>Per coupon a DISCOUNT_SPENT (OrderAmount the order's goods total), then its shares per order line (DISCOUNT_ALLOCATED).</summary>
    public static IReadOnlyList<ClearingFact> Spent(Guid eventId, OrderDiscountConsumed e, IReadOnlyDictionary<long, TemplateDimension> templates)
    {
        var facts = new List<ClearingFact>();
        var day = DayNumbers.UtcDay(e.ConsumedAt);
        foreach (var coupon in e.Coupons)
        {
            var t = templates[coupon.TemplateId];
            var (platform, merchant) = Split(coupon.Discount, t);
            facts.Add(new ClearingFact(0, eventId, facts.Count, Movements.DiscountSpent, e.ConsumedAt, day, null, t.MerchantId, t.TemplateId,
                t.Scope, t.Currency, t.Funding, t.PlatformShareBps, Channels.Order, e.OrderId, coupon.UserCouponId, e.UserId, e.OrderId, null,
                0, coupon.Discount, platform, merchant, e.GoodsAmount, null, null));
            foreach (var line in coupon.Lines)
            {
                var (linePlatform, lineMerchant) = Split(line.Share, t);
                facts.Add(new ClearingFact(0, eventId, facts.Count, Movements.DiscountAllocated, e.ConsumedAt, day, null, t.MerchantId,
                    t.TemplateId, t.Scope, t.Currency, t.Funding, t.PlatformShareBps, Channels.Order, e.OrderId, coupon.UserCouponId, e.UserId,
                    e.OrderId, null, 0, line.Share, linePlatform, lineMerchant, line.UnitPrice * line.Quantity, line.Line, line.Sku));
            }
        }
        return facts;
    }

    /// <summary>Per coupon what this refund took back: DISCOUNT_RETURNED and DISCOUNT_CLAWED_BACK (each only when not zero).</summary>
    public static IReadOnlyList<ClearingFact> Refunded(Guid eventId, OrderRefundSettled e, IReadOnlyDictionary<long, TemplateDimension> templates)
    {
        var facts = new List<ClearingFact>();
        var day = DayNumbers.UtcDay(e.SettledAt);
        foreach (var coupon in e.Coupons ?? [])
        {
            var t = templates[coupon.TemplateId];
            (string Movement, long Amount)[] parts =
                [(Movements.DiscountReturned, coupon.Returned), (Movements.DiscountClawedBack, coupon.ClawedBack)];
            foreach (var (movement, amount) in parts)
            {
                if (amount == 0) continue;
                var (platform, merchant) = Split(amount, t);
                facts.Add(new ClearingFact(0, eventId, facts.Count, movement, e.SettledAt, day, null, t.MerchantId, t.TemplateId, t.Scope,
                    t.Currency, t.Funding, t.PlatformShareBps, Channels.Order, e.OrderId, coupon.UserCouponId, e.UserId, e.OrderId, null, 0,
                    amount, platform, merchant, 0, null, null));
            }
        }
        return facts;
    }

    /// <summary>The platform's part (rounded down, <see cref="FundingKinds.PlatformPart"/>) and the merchant's (the rest).</summary>
    public static (long Platform, long Merchant) Split(long discount, TemplateDimension t)
    {
        var platform = FundingKinds.PlatformPart(discount, t.PlatformShareBps);
        return (platform, discount - platform);
    }

    private static ClearingFact Coupon(Guid eventId, string movement, DateTimeOffset at, TemplateDimension t, ICouponEvent e, string channel,
        string? channelId, string? orderId, string? status) =>
        new(0, eventId, 0, movement, at, DayNumbers.UtcDay(at), null, t.MerchantId, t.TemplateId, t.Scope, t.Currency, t.Funding,
            t.PlatformShareBps, channel, channelId, e.UserCouponId, e.UserId, orderId, status, 1, 0, 0, 0, 0, null, null);
}
