namespace PromotionEngine.Clearing.Facts;

/// <summary>What a fact records. Coupon movements count coupons; discount movements carry money in minor units.</summary>
internal static class Movements
{
    /// <summary>A coupon was issued (Channel CLAIM or DISTRIBUTION): Coupons +1.</summary>
    public const string Claimed = "CLAIMED";
    public const string Locked = "LOCKED";
    /// <summary>A hold ended without payment; Status is where the coupon went (AVAILABLE or EXPIRED).</summary>
    public const string Released = "RELEASED";
    public const string Consumed = "CONSUMED";
    /// <summary>A refund put the coupon back; Status is where it went (AVAILABLE or EXPIRED).</summary>
    public const string Restored = "RESTORED";
    public const string Expired = "EXPIRED";
    /// <summary>The template stopped claims (Coupons 0): a template-level fact.</summary>
    public const string Terminated = "TERMINATED";
    /// <summary>One coupon's share on one order line (OrderLine, Sku): detail of a DISCOUNT_SPENT, not posted.</summary>
    public const string DiscountAllocated = "DISCOUNT_ALLOCATED";
    /// <summary>A paid order spent the coupon's discount; OrderAmount is the order's goods total.</summary>
    public const string DiscountSpent = "DISCOUNT_SPENT";
    /// <summary>A refund took back the part of the discount that left with the refunded units.</summary>
    public const string DiscountReturned = "DISCOUNT_RETURNED";
    /// <summary>A refund took back the discount on kept units whose threshold no longer holds.</summary>
    public const string DiscountClawedBack = "DISCOUNT_CLAWED_BACK";
}

/// <summary>Where a movement came from: a claim, a distribution task (ChannelId the task id), an order, the template itself.</summary>
internal static class Channels
{
    public const string Claim = "CLAIM";
    public const string Distribution = "DISTRIBUTION";
    public const string Order = "ORDER";
    public const string Template = "TEMPLATE";
}

/// <summary>
/// One coupon or settlement movement with the dimensions kept beside it, keyed by (EventId, Line): an event makes one fact or
/// several (one per order line), and a redelivered or replayed event makes the same keys again. Seq is its place in the clearing
/// journal. PostingDay is the clearing day it counts in: the day it happened, or the first open day after it when that day was
/// closed (OriginalDay then names the day it happened). Amounts in minor units of Currency; PlatformPart + MerchantPart = Discount.
/// </summary>
internal sealed record ClearingFact(
    long Seq, Guid EventId, int Line, string Movement, DateTimeOffset OccurredAt, DateOnly PostingDay, DateOnly? OriginalDay,
    long MerchantId, long TemplateId, string Scope, string Currency, string Funding, int PlatformShareBps,
    string Channel, string? ChannelId, long? UserCouponId, long? UserId, string? OrderId, string? Status,
    int Coupons, long Discount, long PlatformPart, long MerchantPart, long OrderAmount, int? OrderLine, string? Sku);
