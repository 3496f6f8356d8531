using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace PromotionEngine.Contracts.Http.Engine;

/// <summary>
/// POST /api/v1/merchant/audiences: a named set of the merchant's users, empty until members are added; or, with a rule, the
/// users a rule over the engine's facts picks (docs/audiences.md, "Audiences from rules").
/// </summary>
public sealed record CreateAudienceRequest(
    [property: Required, StringLength(100, MinimumLength = 1)] string? Name,
    [property: Description("Optional: the rule that picks the members (fixed at creation); without it members are pushed or uploaded.")]
    AudienceRuleRequest? Rule = null);

/// <summary>A rule audience's rule: one kind with its parameters (the others absent).</summary>
public sealed record AudienceRuleRequest(
    [property: Required, Description("NEW_USER (no consumed coupon and no settled order with the merchant), CLAIMED_TEMPLATE or "
        + "NOT_CLAIMED_TEMPLATE (has / has not claimed templateId), SETTLED_ORDERS (at least minOrders settled orders with the "
        + "merchant in the last days).")] string? Kind,
    [property: Description("CLAIMED_TEMPLATE, NOT_CLAIMED_TEMPLATE: one of the merchant's templates.")] string? TemplateId = null,
    [property: Description("SETTLED_ORDERS: the window, 1 to 366 days back from now.")] int? Days = null,
    [property: Description("SETTLED_ORDERS: the least number of settled orders in the window, 1 to 1000.")] int? MinOrders = null);

public sealed record AudienceResponse(
    string Id,
    string MerchantId,
    string Name,
    [property: Description("How many users are in it now; for a rule that excludes (excludes true), how many it leaves out.")] long Members,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    [property: Description("The rule that picks the members; null for an audience whose members are pushed or uploaded.")]
    AudienceRuleResponse? Rule = null);

/// <summary>A rule audience's rule as stored, with when the engine last evaluated it whole.</summary>
public sealed record AudienceRuleResponse(
    string Kind,
    string? TemplateId,
    int? Days,
    int? MinOrders,
    [property: Description("True when the audience is everyone but the users it holds (NEW_USER, NOT_CLAIMED_TEMPLATE).")] bool Excludes,
    [property: Description("When the whole rule was last evaluated (null: not yet); events keep each user current in between.")]
    DateTimeOffset? EvaluatedAt);

/// <summary>
/// POST /api/v1/audiences/{id}/members (SERVICE tokens): users to add and users to remove, at most 10 000 ids in all, a user in at
/// most one of the lists. Adding a member or removing a non-member changes nothing.
/// </summary>
public sealed record ChangeAudienceMembersRequest(
    [property: Description("User ids to add (positive).")] IReadOnlyList<long>? Add,
    [property: Description("User ids to remove (positive).")] IReadOnlyList<long>? Remove);

public sealed record AudienceMembersResponse(
    string AudienceId,
    [property: Description("Users that joined now (those already in are not counted).")] long Added,
    [property: Description("Users that left now (those not in are not counted).")] long Removed,
    [property: Description("The audience's size afterwards.")] long Members);
