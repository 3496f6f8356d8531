using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace PromotionEngine.Contracts.Http.Engine;

/// <summary>POST /api/v1/merchant/audiences: a named set of the merchant's users, empty until members are added.</summary>
public sealed record CreateAudienceRequest([property: Required, StringLength(100, MinimumLength = 1)] string? Name);

public sealed record AudienceResponse(
    string Id,
    string MerchantId,
    string Name,
    [property: Description("How many users are in it now.")] long Members,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

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
