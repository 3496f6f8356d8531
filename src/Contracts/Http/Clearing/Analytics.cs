using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace PromotionEngine.Contracts.Http.Clearing;

// GET /api/v1/merchant/analytics/{activity, templates/{id}/funnel, top-templates}: the calling merchant's campaigns, read from the
// clearing module's analytic store, in a time zone the caller names (docs/clearing.md, "Campaign analytics"). Money in minor
// units of Currency: amounts of different currencies are never added. Ids as strings.

/// <summary>
/// What a set of coupon and discount movements did and cost. Counts are coupons; amounts are minor units of the row's currency.
/// </summary>
public sealed record CampaignFigures(
    [property: Description("Coupons issued: claimed + distributed (+ any other issuing channel).")] long Issued,
    [property: Description("Coupons users claimed themselves.")] long Claimed,
    [property: Description("Coupons distribution tasks pushed.")] long Distributed,
    [property: Description("Holds taken by orders (a coupon released and locked again counts twice).")] long Locked,
    [property: Description("Coupons consumed by paid orders.")] long Used,
    [property: Description("Coupons that reached the end of their validity: unused, or held or refunded past it.")] long Expired,
    [property: Description("Coupons a refund put back (RESTORED).")] long Refunded,
    [property: Description("Used / issued of the same period, to 4 decimals; null when nothing was issued. Not capped at 1.")]
    decimal? RedemptionRate,
    [property: Description("Discount of the orders paid with the coupons.")] long DiscountSpent,
    [property: Description("Discount that left with refunded units.")] long DiscountReturned,
    [property: Description("Discount taken back from kept units whose threshold no longer held.")] long DiscountClawedBack,
    [property: Description("Net discount: spent − returned − clawed back.")] long DiscountGiven,
    [property: Description("The merchant's part of the net discount.")] long MerchantFunded,
    [property: Description("The platform's part of the net discount (its subsidy).")] long PlatformFunded,
    [property: Description("Orders that spent a coupon (an order counts once per coupon it spent).")] long Orders,
    [property: Description("Goods total of those orders, counted once per coupon spent.")] long OrderValue,
    [property: Description("OrderValue / Orders rounded half away from zero to a minor unit; null without orders.")] long? AverageOrderValue);

/// <summary>One template's figures in one local day or hour. Start and End (exclusive) are the bucket's bounds in the zone's offset.</summary>
public sealed record ActivityRowResponse(
    string TemplateId,
    [property: Description("The local date of the bucket.")] DateOnly Date,
    [property: Description("Where the bucket starts, in the zone's offset then (a day whose midnight is skipped starts at 01:00).")]
    DateTimeOffset Start,
    [property: Description("Where it ends (exclusive): a day lasts 23 to 25 hours across a change of offset.")] DateTimeOffset End,
    string Currency,
    CampaignFigures Figures);

/// <summary>One template's figures over the whole range.</summary>
public sealed record TemplateTotalResponse(string TemplateId, string Currency, CampaignFigures Figures);

/// <summary>Every template's figures of one currency over the whole range.</summary>
public sealed record CurrencyTotalResponse(string Currency, CampaignFigures Figures);

/// <summary>A merchant's campaign activity per template and local day or hour; buckets without any movement are left out.</summary>
public sealed record CampaignActivityResponse(
    [property: Description("The IANA time zone the buckets are local to.")] string TimeZone,
    DateOnly From,
    DateOnly To,
    [property: AllowedValues("DAY", "HOUR")] string Granularity,
    [property: Description("Per template and bucket, by template id then time.")] IReadOnlyList<ActivityRowResponse> Rows,
    [property: Description("Per template over the range.")] IReadOnlyList<TemplateTotalResponse> Templates,
    [property: Description("Per currency over the range.")] IReadOnlyList<CurrencyTotalResponse> Totals);

/// <summary>
/// One template's funnel over a range: exposed (null: the engine does not see exposures) → issued → locked → used. Counts of
/// movements in the range, not of one cohort of coupons.
/// </summary>
public sealed record TemplateFunnelResponse(
    string TemplateId,
    string TimeZone,
    DateOnly From,
    DateOnly To,
    [property: Description("The template's currency; null when it had no movement in the range.")] string? Currency,
    [property: Description("Always null: exposures happen outside the engine.")] long? Exposed,
    long Issued,
    long Claimed,
    long Distributed,
    long Locked,
    long Used,
    [property: Description("Locked / issued, to 4 decimals; null when nothing was issued.")] decimal? LockRate,
    [property: Description("Used / locked, to 4 decimals; null when nothing was locked.")] decimal? UseRate,
    [property: Description("Used / issued, to 4 decimals; null when nothing was issued.")] decimal? RedemptionRate);

/// <summary>A template ranked by the net discount it gave in the range (within its currency).</summary>
public sealed record TopTemplateResponse(
    [property: Range(1, 100), Description("1 for the highest net discount of its currency.")] int Rank,
    string TemplateId,
    string Currency,
    [property: Description("Net discount: spent − returned − clawed back.")] long DiscountGiven,
    long Used,
    long OrderValue,
    long? AverageOrderValue);

/// <summary>The merchant's templates by net discount given, highest first, in groups of one currency each.</summary>
public sealed record TopTemplatesResponse(string TimeZone, DateOnly From, DateOnly To, IReadOnlyList<TopTemplateResponse> Templates);
