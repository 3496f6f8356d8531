using PromotionEngine.Kernel;

namespace PromotionEngine.Contracts.Engine;

/// <summary>
/// Engine's query port: how many coupons of each template a user holds by claim or distribution (the count the
/// per-user limit is checked against; it never goes down). Templates the user never claimed are absent.
/// </summary>
public interface IUserClaimCounts
{
    Task<IReadOnlyDictionary<TemplateId, int>> ClaimedAsync(UserId user, IReadOnlyCollection<TemplateId> templates, CancellationToken ct);
}
