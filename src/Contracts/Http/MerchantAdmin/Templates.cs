using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace PromotionEngine.Contracts.Http.MerchantAdmin;

// Ids travel as strings in responses: 64-bit ids do not fit a JavaScript number. Requests accept either; the OpenAPI document
// describes them as strings. [Required], [AllowedValues] and the like describe the wire for the document only: the endpoints
// check every field themselves and answer 400 VALIDATION_FAILED naming each.

/// <summary>
/// POST /api/v1/merchant/templates. Money in minor units; times ISO-8601 with offset. By type: FIXED_AMOUNT takes discountAmount;
/// THRESHOLD discountAmount and thresholdAmount (spend thresholdAmount, take discountAmount off); PERCENTAGE percentOff, and
/// optionally maxDiscountAmount and thresholdAmount; TIERED_THRESHOLD tiers (满100减10 / 满200减25 / 满300减40: the highest tier the
/// order reaches applies); FREE_SHIPPING optionally maxDiscountAmount (the most of the shipping fee it takes off) and thresholdAmount;
/// BUY_X_GET_Y (买二送一, 第二件半价) buyQuantity, getQuantity and percentOff (10000: free), optionally maxDiscountAmount, with scope
/// PRODUCTS or CATEGORIES. GIFT takes gift (a gift SKU given with a qualifying order: docs/gifts.md) and optionally thresholdAmount.
/// By scope: SHOP takes shopId, PRODUCTS productIds, CATEGORIES categoryIds.
/// Funding (who pays the discount): MERCHANT (the default, platformShareBps 0), PLATFORM (10000) or SPLIT (1 to 9999, required).
/// </summary>
public sealed record CreateTemplateRequest(
    [property: Required, StringLength(100, MinimumLength = 1)] string? Name,
    [property: StringLength(1000), Description("Line breaks and tabs allowed; no other control character.")] string? Description,
    [property: Required] string? Currency,
    [property: Required, AllowedValues("PLATFORM", "SHOP", "PRODUCTS", "CATEGORIES")] string? Scope,
    [property: Description("With scope SHOP only, and required there.")] long? ShopId,
    [property: Description("With scope PRODUCTS only, and required there: 1 to 1000 distinct ids.")] IReadOnlyList<long>? ProductIds,
    [property: Description("With scope CATEGORIES only, and required there: 1 to 1000 distinct ids.")] IReadOnlyList<long>? CategoryIds,
    [property: Required, AllowedValues("FIXED_AMOUNT", "THRESHOLD", "PERCENTAGE", "TIERED_THRESHOLD", "FREE_SHIPPING", "GIFT", "BUY_X_GET_Y")]
    string? Type,
    [property: Description("FIXED_AMOUNT and THRESHOLD: the minor units taken off (1 to 10^11)."), Range(1, 100_000_000_000)] long? DiscountAmount,
    [property: Description("THRESHOLD (required), PERCENTAGE, FREE_SHIPPING and GIFT (optional): the order amount from which it applies."),
        Range(1, 100_000_000_000)]
    long? ThresholdAmount,
    [property: Description("PERCENTAGE and BUY_X_GET_Y (required there): basis points off, 1500 = 15% off (BUY_X_GET_Y: off each "
        + "discounted unit, 10000 = free)."), Range(1, 10_000)]
    int? PercentOff,
    [property: Description("PERCENTAGE, FREE_SHIPPING and BUY_X_GET_Y (optional): the most it takes off (FREE_SHIPPING: of the "
        + "shipping fee)."),
        Range(1, 100_000_000_000)]
    long? MaxDiscountAmount,
    [property: Required, Description("When claims open.")] DateTimeOffset? ValidFrom,
    [property: Required, Description("When claims close (exclusive); the window is at most 3660 days.")] DateTimeOffset? ValidUntil,
    [property: Description("How long a claimed coupon stays usable, an ISO-8601 duration (P7D, PT12H); absent: until validUntil.")]
    string? ValidityAfterClaim,
    [property: Required, Range(1, 1_000_000_000)] long? Stock,
    [property: Required, Range(1, 1000)] int? PerUserLimit,
    [property: Description("True: combines with no other coupon on an order.")] bool? Exclusive = null,
    [property: Description("Which coupon applies first when several combine (0 to 1000, higher first)."), Range(0, 1000)] int? Priority = null,
    [property: AllowedValues("MERCHANT", "PLATFORM", "SPLIT"),
        Description("Who funds the discount: MERCHANT (商家承担, the default), PLATFORM (平台补贴) or SPLIT (platformShareBps of it the platform, "
            + "the rest the merchant). Fixed at creation.")]
    string? Funding = null,
    [property: Description("The platform's part of the discount in basis points: 0 with MERCHANT, 10000 with PLATFORM (either may be "
        + "left out), 1 to 9999 with SPLIT (required there)."), Range(0, 10_000)]
    int? PlatformShareBps = null,
    [property: Description("An IANA time zone id (Asia/Shanghai, Europe/Berlin); default UTC. Its days, ISO weeks (Monday to Sunday) and "
        + "months bound the per-period limits. An unknown id is 400 UNKNOWN_TIME_ZONE. Fixed at creation.")]
    string? TimeZone = null,
    [property: Description("At most this many claims per user per day of timeZone (1 to perUserLimit); absent: no daily limit."),
        Range(1, 1000)]
    int? PerUserDailyLimit = null,
    [property: Description("At most this many claims per user per ISO week (Monday 00:00 to Monday 00:00) of timeZone (1 to "
        + "perUserLimit); absent: no weekly limit."), Range(1, 1000)]
    int? PerUserWeeklyLimit = null,
    [property: Description("At most this many claims per user per calendar month of timeZone (1 to perUserLimit); absent: no monthly "
        + "limit."), Range(1, 1000)]
    int? PerUserMonthlyLimit = null,
    [property: Description("TIERED_THRESHOLD only, and required there: 1 to 10 tiers, ascending in thresholdAmount and in discountAmount, "
        + "each discountAmount below its thresholdAmount. The highest tier the order reaches applies.")]
    IReadOnlyList<TierRequest?>? Tiers = null,
    [property: Description("Only the users of this audience (POST /api/v1/merchant/audiences, the merchant's own) may claim it and see it "
        + "offered; absent: anyone. Fixed at creation.")]
    long? AudienceId = null,
    [property: Description("GIFT only, and required there: the gift SKU, how many a qualifying order earns, the least units of the "
        + "coupon's scope the order must hold, and the gift stock to start with (docs/gifts.md).")]
    GiftRequest? Gift = null,
    [property: Description("BUY_X_GET_Y only, and required there: X, the units bought per group (1 to 99).")]
    int? BuyQuantity = null,
    [property: Description("BUY_X_GET_Y only, and required there: Y, the units per group that take percentOff off (1 to 99). Every "
        + "buyQuantity + getQuantity units of the lines in scope earn getQuantity units, the cheapest.")]
    int? GetQuantity = null);

/// <summary>
/// A GIFT template's gift: an order qualifying for it (thresholdAmount on the list prices of the lines in scope, minQuantity units of
/// them) gets quantity units of sku at price 0, out of a stock of gifts counted like coupons (docs/gifts.md).
/// </summary>
public sealed record GiftRequest(
    [property: Required, StringLength(64, MinimumLength = 1), Description("The gift's SKU: letters, digits and - _ . / : only.")] string? Sku,
    [property: Description("Units of the gift one order earns (1 to 100); default 1."), Range(1, 100)] int? Quantity,
    [property: Description("The least units of the lines in scope an order must hold (1 to 10000); absent: any."), Range(1, 10_000)]
    int? MinQuantity,
    [property: Required, Description("Gifts in stock to start with (1 to 10^9); more with POST .../gift-stock."), Range(1, 1_000_000_000)]
    long? Stock);

/// <summary>One tier of a TIERED_THRESHOLD template: spend thresholdAmount, take discountAmount off (minor units).</summary>
public sealed record TierRequest(
    [property: Required, Range(1, 100_000_000_000)] long? ThresholdAmount,
    [property: Required, Range(1, 100_000_000_000)] long? DiscountAmount);

public sealed record TemplateResponse(
    string Id,
    string MerchantId,
    string Name,
    string Description,
    string Currency,
    [property: AllowedValues("PLATFORM", "SHOP", "PRODUCTS", "CATEGORIES")] string Scope,
    string? ShopId,
    IReadOnlyList<string> ProductIds,
    IReadOnlyList<string> CategoryIds,
    [property: AllowedValues("FIXED_AMOUNT", "THRESHOLD", "PERCENTAGE", "TIERED_THRESHOLD", "FREE_SHIPPING", "GIFT", "BUY_X_GET_Y")] string Type,
    long? DiscountAmount,
    long? ThresholdAmount,
    int? PercentOff,
    long? MaxDiscountAmount,
    DateTimeOffset ValidFrom,
    DateTimeOffset ValidUntil,
    string? ValidityAfterClaim,
    long Stock,
    int PerUserLimit,
    [property: AllowedValues("ACTIVE", "ENDED", "TERMINATED"), Description("As of the answer: ENDED once validUntil has passed.")] string Status,
    [property: Description("Coupons issued so far (claimed and distributed).")] long Issued,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    bool Exclusive = false,
    int Priority = 0,
    [property: AllowedValues("MERCHANT", "PLATFORM", "SPLIT"), Description("Who funds the discount.")] string Funding = "MERCHANT",
    [property: Description("The platform's part of the discount in basis points (0 to 10000); the merchant bears the rest."), Range(0, 10_000)]
    int PlatformShareBps = 0,
    [property: Description("The IANA time zone whose days, ISO weeks and months bound the per-period limits.")] string TimeZone = "UTC",
    [property: Description("Claims per user per day of timeZone; null: no daily limit.")] int? PerUserDailyLimit = null,
    [property: Description("Claims per user per ISO week (from Monday) of timeZone; null: no weekly limit.")] int? PerUserWeeklyLimit = null,
    [property: Description("Claims per user per calendar month of timeZone; null: no monthly limit.")] int? PerUserMonthlyLimit = null,
    [property: Description("TIERED_THRESHOLD: its tiers, ascending; null for every other type.")] IReadOnlyList<TierResponse>? Tiers = null,
    [property: Description("The audience the template is for: only its members may claim it (null: anyone).")] string? AudienceId = null,
    [property: Description("GIFT: the gift and the gift stock added so far; null for every other type.")] GiftResponse? Gift = null,
    [property: Description("BUY_X_GET_Y: the units bought per group; null for every other type.")] int? BuyQuantity = null,
    [property: Description("BUY_X_GET_Y: the units per group discounted (the cheapest); null for every other type.")] int? GetQuantity = null);

/// <summary>A GIFT template's gift; stock: every gift added so far (GET .../gift-stock says how many are given, reserved, left).</summary>
public sealed record GiftResponse(string Sku, int Quantity, int? MinQuantity, long Stock);

public sealed record TierResponse(long ThresholdAmount, long DiscountAmount);

/// <summary>
/// PATCH /api/v1/merchant/templates/{id}: the members given change, the others stay (at least one). Every other member of the
/// template is fixed at creation: naming one is 422 TEMPLATE_FIELD_IMMUTABLE. (The endpoint reads the body as JSON itself: this
/// record describes it.)
/// </summary>
public sealed record ChangeTemplateRequest(
    [property: StringLength(100, MinimumLength = 1), NotNullWhenSent] string? Name,
    [property: StringLength(1000), Description("null clears it.")] string? Description,
    [property: Description("Only later than the current end."), NotNullWhenSent] DateTimeOffset? ValidUntil,
    [property: Description("Only higher than the current limit, at most 1000."), Range(1, 1000), NotNullWhenSent] int? PerUserLimit);

/// <summary>POST /api/v1/merchant/templates/{id}/stock.</summary>
public sealed record AddStockRequest([property: Required, Range(1, 1_000_000_000)] long? Quantity);

/// <summary>One entry of a template's audit trail: who did what, when, and the values before and after.</summary>
public sealed record TemplateHistoryEntry(
    string Id,
    [property: AllowedValues("CREATE", "CHANGE", "ADD_STOCK", "TERMINATE", "SET_BUDGET", "ADD_GIFT_STOCK")] string Operation,
    [property: Description("Who: the token's subject, e.g. merchant:7.")] string Actor,
    DateTimeOffset OccurredAt,
    [property: Description("The template's members before the operation (null for CREATE).")] JsonElement? Before,
    [property: Description("The template's members after the operation.")] JsonElement? After);
