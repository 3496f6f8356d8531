using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Engine.Claims.Admission;
using PromotionEngine.Engine.Coupons;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Claims;

/// <summary>A user claims one coupon of a template. A retry with the same Idempotency-Key returns the first coupon.</summary>
internal sealed class ClaimCoupon(
    ICouponTemplateCatalog catalog, IClaimGate gate, IUserCoupons coupons, IdGenerator ids, EngineMetrics metrics, TimeProvider clock,
    CampaignClaimRules campaign, ClaimAdmission admission)
{
    /// <summary>The claim, counted by outcome and the template's window, and timed (<see cref="EngineMetrics"/>).</summary>
    public Task<ClaimOutcome> HandleAsync(UserId user, TemplateId templateId, IdempotencyKey key, CancellationToken ct) =>
        HandleAsync(user, templateId, key, clientAddress: null, ct);

    /// <param name="clientAddress">The caller's address as a limit key (IPv4, or an IPv6 /64), for the per-address claim limit.</param>
    public async Task<ClaimOutcome> HandleAsync(UserId user, TemplateId templateId, IdempotencyKey key, string? clientAddress, CancellationToken ct)
    {
        var started = clock.GetTimestamp();
        CouponTemplateSnapshot? template = null;
        try
        {
            template = await catalog.FindAsync(templateId, ct);
            var outcome = template is null ? new ClaimOutcome.TemplateNotFound() : await DecideAsync(user, template, key, clientAddress, ct);
            metrics.Claimed(OutcomeName(outcome), EngineMetrics.WindowOf(template, clock.GetUtcNow()), clock.GetElapsedTime(started));
            return outcome;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            metrics.Claimed(e is ClaimsUnavailableException ? "unavailable" : "failed", EngineMetrics.WindowOf(template, clock.GetUtcNow()),
                clock.GetElapsedTime(started));
            throw;
        }
    }

    private static string OutcomeName(ClaimOutcome outcome) => outcome switch
    {
        ClaimOutcome.Claimed => "issued",
        ClaimOutcome.AlreadyClaimed => "replayed",
        ClaimOutcome.TemplateNotFound => "template_not_found",
        ClaimOutcome.NotStarted => "not_started",
        ClaimOutcome.Ended => "ended",
        ClaimOutcome.Terminated => "terminated",
        ClaimOutcome.OutOfStock => "out_of_stock",
        ClaimOutcome.LimitReached => "limit_reached",
        ClaimOutcome.PeriodLimitReached => "period_limit_reached",
        ClaimOutcome.CampaignLimitReached => "campaign_limit_reached",
        ClaimOutcome.BudgetExhausted => "budget_exhausted",
        ClaimOutcome.KeyReused => "key_reused",
        ClaimOutcome.NotInAudience => "not_in_audience",
        ClaimOutcome.RateLimited => "rate_limited",
        _ => throw new System.Diagnostics.UnreachableException(),
    };

    private async Task<ClaimOutcome> DecideAsync(
        UserId user, CouponTemplateSnapshot template, IdempotencyKey key, string? clientAddress, CancellationToken ct)
    {
        var templateId = template.Id;
        var now = UtcMillis.Now(clock);
        if (await campaign.RefusalAsync(template, now, ct) is { } refused) return refused;
        var coupon = UserCoupon.Claim(new UserCouponId(ids.Next()), user, template, now);
        var admitted = await admission.DecideAsync(new ClaimTicket(coupon, key, template, now), clientAddress, gate, ct);
        if (admitted.Refusal is { } notAdmitted) return notAdmitted; // sold out here, or over a limit (docs/admission.md)
        return admitted.Decision switch
        {
            GateDecision.Granted => new ClaimOutcome.Claimed(coupon),
            GateDecision.Duplicate d => await ReplayAsync(d.Prior, templateId, ct),
            GateDecision.OutOfStock => new ClaimOutcome.OutOfStock(),
            GateDecision.LimitReached => new ClaimOutcome.LimitReached(template.PerUserLimit),
            GateDecision.PeriodLimitReached p => new ClaimOutcome.PeriodLimitReached(p.Period),
            GateDecision.CampaignLimitReached => new ClaimOutcome.CampaignLimitReached(template.BudgetTerms.CampaignPerUserLimit ?? 0),
            GateDecision.NotStarted => new ClaimOutcome.NotStarted(template.ValidFrom),
            GateDecision.Ended => new ClaimOutcome.Ended(),
            GateDecision.Terminated => new ClaimOutcome.Terminated(),
            GateDecision.NotInAudience => new ClaimOutcome.NotInAudience(template.Audience!.Value),
            _ => throw new System.Diagnostics.UnreachableException(),
        };
    }

    // A retry is answered with the first coupon even after the template has ended or run out.
    private async Task<ClaimOutcome> ReplayAsync(PriorClaim prior, TemplateId templateId, CancellationToken ct)
    {
        if (prior.Template != templateId) return new ClaimOutcome.KeyReused();
        var coupon = await coupons.FindAsync(prior.Coupon, ct)
            ?? throw new InvalidOperationException($"Claim request points at coupon {prior.Coupon} that is not stored.");
        return new ClaimOutcome.AlreadyClaimed(coupon);
    }
}
