using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace PromotionEngine.Contracts.Http.Engine;

/// <summary>POST /api/v1/claims, with an Idempotency-Key header.</summary>
public sealed record ClaimRequest([property: Required] long? TemplateId);

public sealed record UserCouponResponse(
    string Id,
    string TemplateId,
    string UserId,
    string MerchantId,
    [property: AllowedValues("AVAILABLE", "LOCKED", "CONSUMED", "EXPIRED"), Description("As of the answer: a lapsed hold is AVAILABLE again.")]
    string Status,
    DateTimeOffset ClaimedAt,
    DateTimeOffset ValidFrom,
    DateTimeOffset ValidUntil,
    [property: Description("The order holding or having spent it (LOCKED, CONSUMED), else null.")] string? OrderId,
    [property: Description("While LOCKED: when the hold lapses.")] DateTimeOffset? LockedUntil,
    [property: Description("While CONSUMED: when it was spent.")] DateTimeOffset? ConsumedAt);

/// <summary>
/// POST /api/v1/orders/{orderId}/coupons/lock: all listed coupons or none (userId and couponIds); or, with quoteId, the coupons the
/// quote selected (then couponIds is not given, and userId, if given, must be the quote's user).
/// </summary>
public sealed record LockCouponsRequest(
    [property: Description("Required with couponIds: the user whose coupons these are. With quoteId: optional, the quote's user.")]
    long? UserId,
    [property: Description("The coupons to hold, each once (1 to Engine:MaxCouponsPerOrder, 50 by default); not with quoteId.")]
    IReadOnlyList<long>? CouponIds,
    [property: Required, Description("How long the hold lasts (1 to Engine:MaxLockTtlSeconds, 86400 by default)."), Range(1, 86_400)]
    int? TtlSeconds,
    [property: Description("A quote of POST /api/v1/settlement/quotes: lock exactly the coupons it selected.")] string? QuoteId = null);

/// <summary>The coupons an order operation (lock, consume, release, refund) moved, in their new state.</summary>
public sealed record OrderCouponsResponse(
    string OrderId,
    [property: AllowedValues("LOCK", "CONSUME", "RELEASE", "REFUND")] string Operation,
    IReadOnlyList<UserCouponResponse> Coupons);
