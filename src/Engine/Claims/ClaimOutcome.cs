using PromotionEngine.Engine.Coupons;
using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Claims;

/// <summary>Every answer a claim can get; refusals are values (R4).</summary>
internal abstract record ClaimOutcome
{
    private ClaimOutcome() { }

    public sealed record Claimed(UserCoupon Coupon) : ClaimOutcome;

    /// <summary>The same Idempotency-Key claimed this coupon before; nothing new was issued.</summary>
    public sealed record AlreadyClaimed(UserCoupon Coupon) : ClaimOutcome;

    public sealed record TemplateNotFound : ClaimOutcome;

    public sealed record NotStarted(DateTimeOffset StartsAt) : ClaimOutcome;

    public sealed record Ended : ClaimOutcome;

    public sealed record Terminated : ClaimOutcome;

    public sealed record OutOfStock : ClaimOutcome;

    public sealed record LimitReached(int PerUser) : ClaimOutcome;

    /// <summary>The user claimed <see cref="ClaimPeriod.Limit"/> in this day, week or month; the next period starts at its End.</summary>
    public sealed record PeriodLimitReached(ClaimPeriod Period) : ClaimOutcome;
    /// <summary>The campaign's per-user limit across its templates is reached.</summary>
    public sealed record CampaignLimitReached(int PerUser) : ClaimOutcome;

    /// <summary>The template's campaign (or its own budget) stops claims on a low budget, and what remains cannot cover a coupon.</summary>
    public sealed record BudgetExhausted(string Budget) : ClaimOutcome;

    /// <summary>The key was used before for another template.</summary>
    public sealed record KeyReused : ClaimOutcome;

    /// <summary>The template is for an audience the user is not in.</summary>
    public sealed record NotInAudience(AudienceId Audience) : ClaimOutcome;

    /// <summary>
    /// Admission refused the claim before its gate (docs/admission.md): <see cref="Limit"/> is "user" or "ip" (a claim limit) or
    /// "template" (the template's claims in flight are at their bound). Nothing was decided; retry after <see cref="RetryAfter"/>.
    /// </summary>
    public sealed record RateLimited(TimeSpan RetryAfter, string Limit) : ClaimOutcome;
}
