using PromotionEngine.Kernel;

namespace PromotionEngine.Contracts.MerchantAdmin;

/// <summary>
/// Merchant-admin's query port: what a template says right now. Other modules read templates only
/// through it, never from merchant-admin's tables.
/// </summary>
public interface ICouponTemplateCatalog
{
    Task<CouponTemplateSnapshot?> FindAsync(TemplateId id, CancellationToken ct);
}

/// <summary>The facts about a template that deciding a claim or a price needs; Audience: only its members may claim (null: anyone).</summary>
public sealed record CouponTemplateSnapshot(
    TemplateId Id,
    MerchantId Merchant,
    string Currency,
    bool Terminated,
    DateTimeOffset ValidFrom,
    DateTimeOffset ValidUntil,
    TimeSpan? ValidityAfterClaim,
    long Stock,
    int PerUserLimit,
    int Version,
    AudienceId? Audience = null);
