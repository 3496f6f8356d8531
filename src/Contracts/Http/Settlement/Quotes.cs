namespace PromotionEngine.Contracts.Http.Settlement;

/// <summary>POST /api/v1/settlement/quotes. Money in minor units. <c>couponIds</c>: the user's pick (omit for the best combination).</summary>
public sealed record QuoteRequest(
    long? UserId, string? Currency, IReadOnlyList<QuoteLineRequest>? Lines, long? ShippingFee, IReadOnlyList<long>? CouponIds);

/// <summary>One order line: categoryIds and productId decide which scoped coupons apply to it.</summary>
public sealed record QuoteLineRequest(string? Sku, long? ProductId, long? ShopId, IReadOnlyList<long>? CategoryIds, long? UnitPrice, int? Quantity);

public sealed record QuoteResponse(
    string QuoteId,
    string UserId,
    string Currency,
    DateTimeOffset ExpiresAt,
    string Selection,
    long Subtotal,
    long ShippingFee,
    long TotalDiscount,
    long Payable,
    IReadOnlyList<AppliedCouponResponse> Applied,
    IReadOnlyList<QuoteLineResponse> Lines,
    IReadOnlyList<UsableCouponResponse> Usable,
    IReadOnlyList<UnusableCouponResponse> Unusable);

/// <summary>
/// A coupon of the combination, in the order it applied: the base it applied to (what earlier coupons left of its
/// lines) and what it took off.
/// </summary>
public sealed record AppliedCouponResponse(
    string CouponId, string TemplateId, int Step, string Slot, string? ShopId, string Type, long Base, long Discount);

public sealed record QuoteLineResponse(
    int Line, string Sku, long Amount, long Discount, long Payable, IReadOnlyList<LineAllocationResponse> Allocations);

public sealed record LineAllocationResponse(string CouponId, long Amount);

/// <summary>
/// A coupon that applies here: its discount on this cart on its own, whether it is in the answer's combination, and its
/// part there.
/// </summary>
public sealed record UsableCouponResponse(string CouponId, string TemplateId, long DiscountAlone, bool Selected, long? AppliedDiscount);

/// <summary>
/// Reason: USED, EXPIRED, LOCKED, NOT_STARTED, TEMPLATE_UNKNOWN, CURRENCY_MISMATCH, SCOPE_MISMATCH, BELOW_THRESHOLD,
/// NO_DISCOUNT, NOT_COMBINABLE, NOT_IN_WALLET.
/// </summary>
public sealed record UnusableCouponResponse(string CouponId, string? TemplateId, string Reason, string Detail, long? Shortfall,
    IReadOnlyList<string>? BlockedBy, DateTimeOffset? At);
