using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.MerchantAdmin.Templates;

/// <summary>Stored coupon templates, in the business's words.</summary>
internal interface ICouponTemplates
{
    Task<CouponTemplate?> FindAsync(TemplateId id, CancellationToken ct);

    /// <summary>Reads inside a write, so the version checked on save is the one decided on.</summary>
    Task<CouponTemplate?> FindAsync(TemplateId id, WriteScope scope, CancellationToken ct);

    /// <summary>Several templates in one read (pricing a wallet).</summary>
    Task<IReadOnlyList<CouponTemplate>> FindManyAsync(IReadOnlyCollection<TemplateId> ids, CancellationToken ct);

    Task AddAsync(CouponTemplate template, WriteScope scope, CancellationToken ct);

    /// <summary>Stores the changes; throws <see cref="ConcurrencyConflictException"/> if someone saved first.</summary>
    Task SaveAsync(CouponTemplate template, WriteScope scope, CancellationToken ct);

    /// <summary>Newest first, after the cursor id.</summary>
    Task<IReadOnlyList<CouponTemplate>> ListAsync(MerchantId merchant, TemplateQuery query, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// Records that this merchant's Idempotency-Key did a request (create, add stock) on a template; when
    /// the key was used before, nothing is written and the earlier request is returned instead.
    /// </summary>
    Task<MerchantRequest?> RecordRequestAsync(MerchantRequest request, WriteScope scope, CancellationToken ct);

    Task<MerchantRequest?> FindRequestAsync(MerchantId merchant, IdempotencyKey key, CancellationToken ct);
}

internal sealed record TemplateQuery(TemplateStatus? Status, string? NameContains, TemplateScope? Scope, BenefitType? Type, long? After, int Limit);

/// <summary>A merchant request made with an Idempotency-Key: its hash tells a retry from a different request under the same key.</summary>
internal sealed record MerchantRequest(MerchantId Merchant, IdempotencyKey Key, string RequestHash, TemplateId Template);
