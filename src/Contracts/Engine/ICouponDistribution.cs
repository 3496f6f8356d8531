using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Contracts.Engine;

/// <summary>
/// Engine's command port for batch distribution: issues one coupon of a template to each recipient, in the
/// caller's transaction, so the caller's own bookkeeping (a checkpoint, its failure rows) commits or rolls back
/// with the coupons. Stock and per-user limits are decided by the database exactly as for claims.
/// </summary>
public interface ICouponDistribution
{
    /// <summary>
    /// Decides every recipient of <paramref name="request"/> and writes what was granted (coupons, the engine's
    /// counters, one CouponClaimed event each with Source DISTRIBUTION) into <paramref name="scope"/>. Nothing is
    /// visible until the caller commits; a rollback leaves no trace. Recipients must be distinct.
    /// </summary>
    Task<IIssuedCoupons> IssueAsync(DistributionRequest request, WriteScope scope, CancellationToken ct);
}

/// <summary>One batch to issue: the template, the merchant that owns the task (checked), the task id (the events' SourceId).</summary>
public sealed record DistributionRequest(TemplateId Template, MerchantId Merchant, long TaskId, IReadOnlyList<UserId> Recipients);

/// <summary>What <see cref="ICouponDistribution.IssueAsync"/> decided, recipient by recipient, in the order given.</summary>
public interface IIssuedCoupons
{
    IReadOnlyList<RecipientDecision> Decisions { get; }

    /// <summary>
    /// Call once the caller's transaction has committed (never after a rollback): the engine brings its caches
    /// (the Redis claim counters) up to what is now in the database. Skipping it (a crash) is safe: a cache that
    /// is behind never over-issues.
    /// </summary>
    Task CommittedAsync(CancellationToken ct);
}

/// <summary>A coupon for the recipient (<see cref="Coupon"/> set), or why not.</summary>
public readonly record struct RecipientDecision(UserId User, UserCouponId? Coupon, DistributionRefusal Refusal)
{
    public bool Issued => Coupon is not null;
}

public enum DistributionRefusal
{
    None,
    UserLimitReached,
    OutOfStock,
    TemplateNotFound,
    TemplateTerminated,
    TemplateEnded,
    TemplateNotStarted,

    /// <summary>The user holds the campaign's per-user limit of coupons over all its templates (claimed or pushed).</summary>
    CampaignLimitReached,

    /// <summary>The template's campaign has ended (its window passed while the task ran).</summary>
    CampaignEnded,

    /// <summary>The template's campaign has not started (defensive: a task cannot be created to start before it).</summary>
    CampaignNotStarted,
}
