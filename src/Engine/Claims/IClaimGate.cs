using System.Diagnostics;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Engine.Coupons;
using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Claims;

/// <summary>
/// Decides and records a claim in one atomic step, in this order: a repeated request is answered with
/// its first coupon; then the template must be live and in its window, the user under the lifetime limit, then under each
/// per-period limit (day, week, month of the template's time zone), and stock left; then the coupon is stored. Either all of it
/// happens or none.
/// </summary>
internal interface IClaimGate
{
    Task<GateDecision> TryClaimAsync(ClaimTicket ticket, CancellationToken ct);
}

/// <summary>
/// The claim decided by the database alone, the truth every gate answers to: the embedded default's gate, and what the
/// Redis gate falls back on for what it cannot settle itself (a group commit the database refused, a key Redis forgot).
/// </summary>
internal interface IExactClaimGate : IClaimGate
{
    /// <summary>The coupon an earlier request with this key claimed, from the database (which never forgets a key).</summary>
    Task<PriorClaim?> FindPriorAsync(UserId user, IdempotencyKey key, CancellationToken ct);
}

/// <summary>One claim to decide: the coupon to store if granted, and the template as read for this claim.</summary>
internal sealed record ClaimTicket(UserCoupon Coupon, IdempotencyKey Key, CouponTemplateSnapshot Template, DateTimeOffset Now)
{
    /// <summary>
    /// The span the claim was decided in (its request's), so the events a group commit records for it carry its own trace,
    /// whichever claim's trace the batch's span continues.
    /// </summary>
    public Activity? Trace { get; } = Activity.Current;

    /// <summary>The template's limited periods this claim falls in (none when it has no per-period limit).</summary>
    public IReadOnlyList<ClaimPeriod> Periods { get; } = ClaimPeriod.Of(Template, Now);

    /// <summary>
    /// The per-user and per-address claim limits the gate counts before it decides, in the same call (only the Redis gate is
    /// given any: <see cref="Admission.IClaimRateLimits.CountedByGate"/>); over one, it answers <see cref="GateDecision.OverClaimLimit"/>.
    /// </summary>
    public IReadOnlyList<Admission.CountedClaimLimit> Limits { get; init; } = [];
}

internal abstract record GateDecision
{
    private GateDecision() { }

    public sealed record Granted : GateDecision;

    /// <summary>The user's key was used before; <see cref="Prior"/> is what it claimed.</summary>
    public sealed record Duplicate(PriorClaim Prior) : GateDecision;

    public sealed record OutOfStock : GateDecision;

    public sealed record LimitReached : GateDecision;

    /// <summary>The user reached the limit of <see cref="Period"/> (the first of day, week, month that is full).</summary>
    public sealed record PeriodLimitReached(ClaimPeriod Period) : GateDecision;
    /// <summary>The user holds as many coupons of the template's campaign as its per-user limit allows.</summary>
    public sealed record CampaignLimitReached : GateDecision;

    public sealed record NotStarted : GateDecision;

    public sealed record Ended : GateDecision;

    public sealed record Terminated : GateDecision;

    /// <summary>The template is for an audience the user is not in (docs/audiences.md).</summary>
    public sealed record NotInAudience : GateDecision;

    /// <summary>The claim went over one of the <see cref="ClaimTicket.Limits"/> it was given; nothing was decided.</summary>
    public sealed record OverClaimLimit(string Limit, TimeSpan RetryAfter) : GateDecision;

    /// <summary>The template-level refusal at <paramref name="now"/>, or null when claims are open.</summary>
    public static GateDecision? WindowRefusal(CouponTemplateSnapshot template, DateTimeOffset now) =>
        template.Terminated ? new Terminated()
        : now < template.ValidFrom ? new NotStarted()
        : now >= template.ValidUntil ? new Ended()
        : null;
}

internal sealed record PriorClaim(TemplateId Template, UserCouponId Coupon);

/// <summary>The gate's backing store cannot decide right now (e.g. Redis is down): the claim fails fast, nothing is issued.</summary>
internal sealed class ClaimsUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
