using PromotionEngine.Kernel;

namespace PromotionEngine.Contracts.Engine;

/// <summary>
/// Engine's command port for the members of its audiences (docs/audiences.md): distribution adds the users of a merchant's
/// file through it, one committed change per call, recorded as an audience-members-changed event with the caller's source.
/// </summary>
public interface IAudienceMembers
{
    /// <summary>
    /// Adds the users (at most 10 000; a member already in is not counted) to the merchant's audience; null when the merchant
    /// has no such audience.
    /// </summary>
    Task<AudienceMembersAdded?> AddAsync(AudienceId audience, MerchantId merchant, IReadOnlyList<long> users, string source, CancellationToken ct);

    /// <summary>
    /// Whether a rule over the engine's facts picks the audience's members (docs/audiences.md, "Audiences from rules"): nobody adds
    /// users to it, and <see cref="AddAsync"/> adds none. A rule is fixed when its audience is created.
    /// </summary>
    Task<bool> RuleDecidesAsync(AudienceId audience, CancellationToken ct);
}

/// <summary>Users that joined with this call, and the audience's size afterwards.</summary>
public sealed record AudienceMembersAdded(long Added, long Members);
