using PromotionEngine.Engine.Coupons;
using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Claims;

/// <summary>
/// Decides and records a claim in one atomic step: the request is not a repeat, the user is under the
/// limit, stock is left, and then the coupon is stored. Either all of it happens or none.
/// </summary>
internal interface IClaimGate
{
    Task<GateDecision> TryClaimAsync(ClaimTicket ticket, CancellationToken ct);

    /// <summary>The coupon an earlier request with this key claimed, if any.</summary>
    Task<PriorClaim?> FindPriorAsync(UserId user, IdempotencyKey key, CancellationToken ct);
}

/// <summary>One claim to decide: the coupon to store if it is granted, and the template's limits as read.</summary>
internal sealed record ClaimTicket(UserCoupon Coupon, IdempotencyKey Key, long Stock, int PerUserLimit);

internal enum GateDecision
{
    Granted,
    Duplicate,
    OutOfStock,
    LimitReached,
}

internal sealed record PriorClaim(TemplateId Template, UserCouponId Coupon);
