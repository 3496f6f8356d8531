using PromotionEngine.Kernel.Messaging;

namespace PromotionEngine.Contracts.Events.Engine.V1;

/// <summary>Coupon events are the engine's, partitioned by coupon: one coupon's events arrive in order.</summary>
public interface ICouponEvent : IIntegrationEvent
{
    static string IIntegrationEvent.Producer => "engine";
    static int IIntegrationEvent.SchemaVersion => 1;

    long UserCouponId { get; }
    long TemplateId { get; }
    long UserId { get; }
    long MerchantId { get; }
}

/// <summary>How a coupon reached its holder.</summary>
public static class CouponSources
{
    /// <summary>The user claimed it (POST /api/v1/claims).</summary>
    public const string Claim = "CLAIM";

    /// <summary>A merchant's distribution task pushed it; SourceId is the task id.</summary>
    public const string Distribution = "DISTRIBUTION";
}

/// <summary>A coupon was issued to a user and is stored: claimed, or pushed by a distribution task.</summary>
/// <param name="Source">CLAIM or DISTRIBUTION (<see cref="CouponSources"/>).</param>
/// <param name="SourceId">The distribution task id for DISTRIBUTION; null for CLAIM.</param>
public sealed record CouponClaimed(
    long UserCouponId, long TemplateId, long UserId, long MerchantId,
    DateTimeOffset ClaimedAt, DateTimeOffset ValidFrom, DateTimeOffset ValidUntil, string Source, string? SourceId) : ICouponEvent
{
    public static string Type => "coupon-claimed";
}

/// <summary>An order holds the coupon while the user pays; the hold lapses by itself at LockedUntil.</summary>
public sealed record CouponLocked(
    long UserCouponId, long TemplateId, long UserId, long MerchantId, string OrderId, DateTimeOffset LockedAt, DateTimeOffset LockedUntil)
    : ICouponEvent
{
    public static string Type => "coupon-locked";
}

/// <summary>Payment succeeded: the coupon is spent on the order (a refund may still restore it).</summary>
public sealed record CouponConsumed(
    long UserCouponId, long TemplateId, long UserId, long MerchantId, string OrderId, DateTimeOffset ConsumedAt) : ICouponEvent
{
    public static string Type => "coupon-consumed";
}

/// <summary>Why a held coupon went back to the wallet.</summary>
public static class ReleaseReasons
{
    /// <summary>The order system released it: payment failed or the order was cancelled.</summary>
    public const string Released = "RELEASED";

    /// <summary>The hold's TTL passed without payment (an abandoned checkout).</summary>
    public const string HoldExpired = "HOLD_EXPIRED";
}

/// <summary>The order's hold on the coupon ended without payment; Status says where the coupon went (AVAILABLE, or EXPIRED if it ended meanwhile).</summary>
/// <param name="Reason">RELEASED or HOLD_EXPIRED (<see cref="ReleaseReasons"/>).</param>
public sealed record CouponReleased(
    long UserCouponId, long TemplateId, long UserId, long MerchantId, string OrderId, string Reason, string Status, DateTimeOffset ReleasedAt)
    : ICouponEvent
{
    public static string Type => "coupon-released";
}

/// <summary>The order was refunded: the coupon is back in the wallet (AVAILABLE), or EXPIRED if its validity has passed.</summary>
public sealed record CouponRefunded(
    long UserCouponId, long TemplateId, long UserId, long MerchantId, string OrderId, string Status, DateTimeOffset RefundedAt) : ICouponEvent
{
    public static string Type => "coupon-refunded";
}

/// <summary>The coupon reached the end of its validity unused.</summary>
public sealed record CouponExpired(
    long UserCouponId, long TemplateId, long UserId, long MerchantId, DateTimeOffset ValidUntil, DateTimeOffset ExpiredAt) : ICouponEvent
{
    public static string Type => "coupon-expired";
}

/// <summary>
/// A user asked to be reminded before a template's claim window opens (预约提醒), and that time has come.
/// Published once per reminder, at ClaimOpensAt minus MinutesBefore; a cancelled reminder never is.
/// </summary>
public sealed record CouponReminderDue(
    long ReminderId, long UserId, long TemplateId, long MerchantId, DateTimeOffset ClaimOpensAt, int MinutesBefore) : IIntegrationEvent
{
    public static string Type => "coupon-reminder-due";
    public static int SchemaVersion => 1;
    public static string Producer => "engine";
}
