using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Engine.Coupons;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Claims;

/// <summary>A user claims one coupon of a template. A retry with the same Idempotency-Key returns the first coupon.</summary>
internal sealed class ClaimCoupon(ICouponTemplateCatalog catalog, IClaimGate gate, IUserCoupons coupons, IdGenerator ids, TimeProvider clock)
{
    public async Task<ClaimOutcome> HandleAsync(UserId user, TemplateId templateId, IdempotencyKey key, CancellationToken ct)
    {
        var template = await catalog.FindAsync(templateId, ct);
        if (template is null) return new ClaimOutcome.TemplateNotFound();

        var now = UtcMillis.Now(clock);
        var coupon = UserCoupon.Claim(new UserCouponId(ids.Next()), user, template, now);
        return await gate.TryClaimAsync(new ClaimTicket(coupon, key, template, now), ct) switch
        {
            GateDecision.Granted => new ClaimOutcome.Claimed(coupon),
            GateDecision.Duplicate d => await ReplayAsync(d.Prior, templateId, ct),
            GateDecision.OutOfStock => new ClaimOutcome.OutOfStock(),
            GateDecision.LimitReached => new ClaimOutcome.LimitReached(template.PerUserLimit),
            GateDecision.NotStarted => new ClaimOutcome.NotStarted(template.ValidFrom),
            GateDecision.Ended => new ClaimOutcome.Ended(),
            GateDecision.Terminated => new ClaimOutcome.Terminated(),
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
