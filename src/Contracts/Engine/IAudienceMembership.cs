using PromotionEngine.Kernel;

namespace PromotionEngine.Contracts.Engine;

/// <summary>
/// Engine's query port over its audiences (docs/audiences.md): whose an audience is (merchant-admin checks a template's audience
/// is the merchant's own) and which audiences a user is in (search shows a template that requires one only to its members).
/// </summary>
public interface IAudienceMembership
{
    /// <summary>The merchant the audience belongs to, or null when there is no such audience.</summary>
    Task<MerchantId?> OwnerOfAsync(AudienceId audience, CancellationToken ct);

    /// <summary>Those of <paramref name="audiences"/> the user is a member of now.</summary>
    Task<IReadOnlySet<AudienceId>> MemberOfAsync(UserId user, IReadOnlyCollection<AudienceId> audiences, CancellationToken ct);
}
