using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace PromotionEngine.Contracts.Http.MerchantAdmin;

/// <summary>
/// POST /api/v1/merchant/campaigns: a campaign groups the merchant's templates of one currency. Money in minor units; times
/// ISO-8601 with offset.
/// </summary>
public sealed record CreateCampaignRequest(
    [property: Required, StringLength(100, MinimumLength = 1)] string? Name,
    [property: Required, Description("The currency of its budget and of every template that joins it.")] string? Currency,
    [property: Required, Description("When its templates' claims may open.")] DateTimeOffset? ValidFrom,
    [property: Required, Description("When its templates' claims close (exclusive).")] DateTimeOffset? ValidUntil,
    [property: Description("How many coupons of all its templates together one user may claim (1 to 1000); absent: no such limit."),
        Range(1, 1000)] int? PerUserLimit,
    [property: Description("The most its coupons may take off in all, minor units (1 to 10^13); absent: no money budget."),
        Range(1, 10_000_000_000_000)] long? Budget,
    [property: Description("True: claims are refused BUDGET_EXHAUSTED once what remains cannot cover a coupon's largest discount.")]
    bool? StopClaimsWhenLow = null,
    [property: Description("Percentages of the budget spent (1 to 100, at most 10) at which budget-threshold-reached fires; default [80, 100].")]
    IReadOnlyList<int>? Thresholds = null);

/// <summary>PATCH /api/v1/merchant/campaigns/{id}: the members given change, the others stay.</summary>
public sealed record ChangeCampaignRequest(
    [property: StringLength(100, MinimumLength = 1)] string? Name,
    [property: Description("A later end only.")] DateTimeOffset? ValidUntil,
    [property: Description("Higher only."), Range(1, 1000)] int? PerUserLimit,
    [property: Description("The new budget, minor units; it may be lowered, never below 1."), Range(1, 10_000_000_000_000)] long? Budget,
    bool? StopClaimsWhenLow,
    IReadOnlyList<int>? Thresholds);

/// <summary>A money budget as the merchant sees it: spent by consumed coupons, reserved by locked ones, what remains.</summary>
public sealed record BudgetResponse(long Limit, long Spent, long Reserved, long Remaining, bool StopClaimsWhenLow, IReadOnlyList<int> Thresholds);

public sealed record CampaignResponse(
    string Id, string MerchantId, string Name, string Currency, DateTimeOffset ValidFrom, DateTimeOffset ValidUntil,
    [property: Description("ACTIVE, NOT_STARTED or ENDED as of now.")] string Status,
    int? PerUserLimit, BudgetResponse? Budget, IReadOnlyList<string> TemplateIds, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// PUT /api/v1/merchant/templates/{id}/budget: the template's campaign (same merchant, same currency) and its own money budget.
/// Either may be null (no campaign, no own budget). A template that draws on a budget needs a largest discount (a fixed amount,
/// or a percentage with maxDiscountAmount).
/// </summary>
public sealed record SetTemplateBudgetRequest(
    [property: Description("The campaign the template joins; null: none.")] long? CampaignId,
    [property: Description("The template's own budget, minor units; null: none."), Range(1, 10_000_000_000_000)] long? Budget,
    bool? StopClaimsWhenLow = null,
    IReadOnlyList<int>? Thresholds = null);

public sealed record TemplateBudgetResponse(string TemplateId, string? CampaignId, BudgetResponse? Budget, BudgetResponse? CampaignBudget);

public sealed record CampaignHistoryEntry(
    string Id, string Operation, string Actor, DateTimeOffset OccurredAt, JsonElement? Before, JsonElement? After);
