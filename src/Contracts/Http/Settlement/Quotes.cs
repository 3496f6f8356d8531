using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace PromotionEngine.Contracts.Http.Settlement;

/// <summary>POST /api/v1/settlement/quotes. Money in minor units. <c>couponIds</c>: the user's pick (omit for the best combination).</summary>
public sealed record QuoteRequest(
    [property: Required, Description("The user whose wallet prices the cart.")] long? UserId,
    [property: Required] string? Currency,
    [property: Required, Description("1 to 200 lines, each sku once.")] IReadOnlyList<QuoteLineRequest>? Lines,
    [property: Description("Minor units (default 0)."), Range(0, 100_000_000_000)] long? ShippingFee,
    [property: Description("The user's pick (at most 100); absent: the best combination of the wallet.")] IReadOnlyList<long>? CouponIds);

/// <summary>One order line: categoryIds and productId decide which scoped coupons apply to it.</summary>
public sealed record QuoteLineRequest(
    [property: Required, StringLength(64, MinimumLength = 1)] string? Sku,
    long? ProductId,
    [property: Required] long? ShopId,
    [property: Description("At most 20.")] IReadOnlyList<long>? CategoryIds,
    [property: Required, Description("Minor units."), Range(0, 100_000_000_000)] long? UnitPrice,
    [property: Required, Range(1, 100_000)] int? Quantity);

public sealed record QuoteResponse(
    string QuoteId,
    string UserId,
    string Currency,
    [property: Description("Lock the quote (quoteId) before this.")] DateTimeOffset ExpiresAt,
    [property: AllowedValues("BEST", "PICKED"), Description("BEST: the best combination of the wallet; PICKED: the caller's couponIds.")]
    string Selection,
    long Subtotal,
    long ShippingFee,
    long TotalDiscount,
    long Payable,
    IReadOnlyList<AppliedCouponResponse> Applied,
    IReadOnlyList<QuoteLineResponse> Lines,
    IReadOnlyList<UsableCouponResponse> Usable,
    IReadOnlyList<UnusableCouponResponse> Unusable,
    [property: Description("The shipping line: the fee, what a FREE_SHIPPING coupon took off it, what is left to pay.")]
    ShippingLineResponse? Shipping = null,
    [property: Description("The gift lines: what a GIFT coupon of the combination gives, at price 0 (at most one per order).")]
    IReadOnlyList<GiftLineResponse>? Gifts = null);

/// <summary>A gift as a line of the quote: Quantity units of Sku at price 0, given by the GIFT coupon (docs/gifts.md).</summary>
public sealed record GiftLineResponse(string CouponId, string TemplateId, string Sku, int Quantity, long UnitPrice, long Amount);

/// <summary>The shipping fee as a line of the quote: its discount is a FREE_SHIPPING coupon's (at most one per order).</summary>
public sealed record ShippingLineResponse(long Fee, long Discount, long Payable, IReadOnlyList<LineAllocationResponse> Allocations);

/// <summary>
/// A coupon of the combination, in the order it applied: the base it applied to (what earlier coupons left of its
/// lines) and what it took off.
/// </summary>
public sealed record AppliedCouponResponse(
    string CouponId,
    string TemplateId,
    int Step,
    [property: AllowedValues("SHOP", "PLATFORM", "SHIPPING", "GIFT")] string Slot,
    string? ShopId,
    [property: AllowedValues("FIXED_AMOUNT", "THRESHOLD", "PERCENTAGE", "TIERED_THRESHOLD", "FREE_SHIPPING", "GIFT", "BUY_X_GET_Y")] string Type,
    long Base,
    long Discount);

public sealed record QuoteLineResponse(
    int Line, string Sku, long Amount, long Discount, long Payable, IReadOnlyList<LineAllocationResponse> Allocations);

public sealed record LineAllocationResponse(string CouponId, long Amount);

/// <summary>
/// A coupon that applies here: its discount on this cart on its own, whether it is in the answer's combination, and its
/// part there. NextTier: a TIERED_THRESHOLD coupon below its top tier, how far the next tier is. NextGroup: a BUY_X_GET_Y coupon
/// below its cap, how many more units earn its next group.
/// </summary>
public sealed record UsableCouponResponse(string CouponId, string TemplateId, long DiscountAlone, bool Selected, long? AppliedDiscount,
    NextTierResponse? NextTier = null, NextGroupResponse? NextGroup = null);

/// <summary>
/// The next group of a BUY_X_GET_Y coupon: ShortfallItems, the units of the lines in its scope to add; GetQuantity, the discounted
/// units it earns; and a sentence ("Add 2 more items to get 1 more free."). Absent once the coupon's cap is reached.
/// </summary>
public sealed record NextGroupResponse(long ShortfallItems, int GetQuantity, string Message);

/// <summary>
/// The next tier of a tiered coupon: Shortfall, the minor units to add to the list prices of the lines in its scope to reach it;
/// that tier's threshold and discount; and a sentence ("Add 35.00 CNY to reach the next tier (25.00 CNY off).").
/// </summary>
public sealed record NextTierResponse(long Shortfall, long ThresholdAmount, long DiscountAmount, string Message);

/// <summary>
/// Reason: USED, EXPIRED, LOCKED, NOT_STARTED, TEMPLATE_UNKNOWN, CURRENCY_MISMATCH, SCOPE_MISMATCH, BELOW_THRESHOLD,
/// NO_DISCOUNT, NOT_COMBINABLE, NOT_IN_WALLET, BUDGET_EXHAUSTED,
/// GIFT_OUT_OF_STOCK (a GIFT coupon: its gift stock cannot cover its gift), BELOW_QUANTITY (fewer units in scope than a
/// BUY_X_GET_Y coupon's one group or a GIFT coupon's minQuantity; shortfallItems says how many to add).
/// </summary>
public sealed record UnusableCouponResponse(
    string CouponId,
    string? TemplateId,
    [property: AllowedValues("USED", "EXPIRED", "LOCKED", "NOT_STARTED", "TEMPLATE_UNKNOWN", "CURRENCY_MISMATCH", "SCOPE_MISMATCH", "BELOW_THRESHOLD",
        "NO_DISCOUNT", "NOT_COMBINABLE", "NOT_IN_WALLET", "BUDGET_EXHAUSTED", "GIFT_OUT_OF_STOCK", "BELOW_QUANTITY")]
    string Reason,
    string Detail,
    [property: Description("BELOW_THRESHOLD: the minor units the cart lacks (a TIERED_THRESHOLD coupon: to its first tier).")] long? Shortfall,
    [property: Description("NOT_COMBINABLE: the selected coupons it cannot combine with.")] IReadOnlyList<string>? BlockedBy,
    [property: Description("When it expired or starts, where that is the reason.")] DateTimeOffset? At,
    [property: Description("BELOW_QUANTITY: how many more units of the lines in its scope the coupon needs (its first group, or its "
        + "gift's minQuantity).")]
    long? ShortfallItems = null);
