namespace PromotionEngine.Contracts.Http.Engine;

/// <summary>POST /api/v1/claims, with an Idempotency-Key header.</summary>
public sealed record ClaimRequest(long? TemplateId);

public sealed record UserCouponResponse(
    string Id,
    string TemplateId,
    string UserId,
    string MerchantId,
    string Status,
    DateTimeOffset ClaimedAt,
    DateTimeOffset ValidFrom,
    DateTimeOffset ValidUntil,
    string? OrderId,
    DateTimeOffset? LockedUntil,
    DateTimeOffset? ConsumedAt);

/// <summary>POST /api/v1/orders/{orderId}/coupons/lock: all listed coupons or none; or, with quoteId, the coupons the quote selected.</summary>
public sealed record LockCouponsRequest(long? UserId, IReadOnlyList<long>? CouponIds, int? TtlSeconds, string? QuoteId = null);

/// <summary>The coupons an order operation (lock, consume, release, refund) moved, in their new state.</summary>
public sealed record OrderCouponsResponse(string OrderId, string Operation, IReadOnlyList<UserCouponResponse> Coupons);
