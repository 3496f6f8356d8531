using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace PromotionEngine.Contracts.Http.Search;

// Ids travel as strings in responses: 64-bit ids do not fit a JavaScript number.

/// <summary>
/// One template found by GET /api/v1/search/templates, as the search read model holds it (fed by template events).
/// <see cref="Status"/> is as of the request: ACTIVE, ENDED or TERMINATED; <see cref="ClaimableNow"/> is true when
/// the claim window is open and the template was neither terminated nor ended (stock is checked only when the
/// request asks for claimableNow). <see cref="Score"/> is the text relevance, null without a text query.
/// </summary>
public sealed record TemplateSearchHit(
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
    long Stock,
    int PerUserLimit,
    [property: AllowedValues("ACTIVE", "ENDED", "TERMINATED")] string Status,
    bool ClaimableNow,
    int Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    float? Score,
    [property: Description("The IANA time zone whose days, ISO weeks and months bound the per-period limits.")] string TimeZone = "UTC",
    [property: Description("Claims per user per day of timeZone; null: no daily limit.")] int? PerUserDailyLimit = null,
    [property: Description("Claims per user per ISO week (from Monday) of timeZone; null: no weekly limit.")] int? PerUserWeeklyLimit = null,
    [property: Description("Claims per user per calendar month of timeZone; null: no monthly limit.")] int? PerUserMonthlyLimit = null);

/// <summary>
/// A template a shopper can claim on the page asked about (GET /api/v1/search/exposure): open now and with stock left.
/// <see cref="RemainingForYou"/> is how many more the calling user may claim (0: their limit is used up); null
/// when the caller is not a user.
/// </summary>
public sealed record ExposedTemplate(
    string Id,
    string MerchantId,
    string Name,
    string Description,
    string Currency,
    [property: AllowedValues("PLATFORM", "SHOP", "PRODUCTS", "CATEGORIES")] string Scope,
    string? ShopId,
    [property: AllowedValues("FIXED_AMOUNT", "THRESHOLD", "PERCENTAGE", "TIERED_THRESHOLD", "FREE_SHIPPING", "GIFT", "BUY_X_GET_Y")] string Type,
    long? DiscountAmount,
    long? ThresholdAmount,
    int? PercentOff,
    long? MaxDiscountAmount,
    DateTimeOffset ValidFrom,
    DateTimeOffset ValidUntil,
    long StockLeft,
    int PerUserLimit,
    int? RemainingForYou);

/// <summary>The search read model's state (GET /api/v1/operator/search), per instance: each instance keeps its own index.</summary>
/// <param name="State">BUILDING (the first build since start has not finished: searches answer 503) or READY.</param>
/// <param name="Rebuilding">A rebuild from the event log is running (searches are answered from the previous index meanwhile).</param>
/// <param name="LagSeconds">For the last event applied as it arrived: its occurrence to its application, in seconds.</param>
public sealed record SearchIndexStatus(
    [property: AllowedValues("BUILDING", "READY")] string State,
    bool Rebuilding,
    long Documents,
    DateTimeOffset? LastEventOccurredAt,
    DateTimeOffset? LastEventAppliedAt,
    double? LagSeconds,
    DateTimeOffset? LastRebuildStartedAt,
    DateTimeOffset? LastRebuildFinishedAt,
    long? LastRebuildEvents);
