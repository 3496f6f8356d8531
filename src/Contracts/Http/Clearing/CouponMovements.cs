using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace PromotionEngine.Contracts.Http.Clearing;

/// <summary>
/// One movement of a user coupon in the clearing journal (GET /api/v1/operator/clearing/coupons/{couponId}/movements), oldest first:
/// the coupon's history as the clearing recorded it from the engine's and settlement's events.
/// </summary>
public sealed record CouponMovementResponse(
    [property: Description("Its place in the clearing journal (the cursor pages by it).")] string Seq,
    [property: AllowedValues("CLAIMED", "LOCKED", "RELEASED", "CONSUMED", "RESTORED", "EXPIRED", "DISCOUNT_ALLOCATED", "DISCOUNT_SPENT",
        "DISCOUNT_RETURNED", "DISCOUNT_CLAWED_BACK")]
    string Movement,
    DateTimeOffset OccurredAt,
    string TemplateId,
    string MerchantId,
    [property: AllowedValues("CLAIM", "DISTRIBUTION", "ORDER", "TEMPLATE")] string Channel,
    [property: Description("The distribution task's id for DISTRIBUTION, else null.")] string? ChannelId,
    string? OrderId,
    [property: Description("Where the coupon went (RELEASED, RESTORED: AVAILABLE or EXPIRED), else null.")] string? Status,
    [property: Description("Minor units of currency: the discount the movement carries (0 for coupon movements).")] long Discount,
    string Currency,
    [property: Description("DISCOUNT_ALLOCATED: the order line and its sku.")] int? OrderLine,
    string? Sku);
