using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Engine.Coupons;
using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Claims;

/// <summary>A user claims one coupon of a template. A retry with the same Idempotency-Key returns the first coupon.</summary>
internal sealed class ClaimCoupon(ICouponTemplateCatalog catalog, IClaimGate gate, IUserCoupons coupons, IdGenerator ids, TimeProvider clock)
{
    public async Task<ClaimOutcome> HandleAsync(UserId user, TemplateId templateId, IdempotencyKey key, CancellationToken ct)
    {
        // A retry is answered with the first result even after the template has ended or run out.
        if (await ReplayAsync(user, templateId, key, ct) is { } replayed) return replayed;

        var template = await catalog.FindAsync(templateId, ct);
        if (template is null) return new ClaimOutcome.TemplateNotFound();
        var now = UtcMillis.Now(clock);
        if (template.Terminated) return new ClaimOutcome.Terminated();
        if (now < template.ValidFrom) return new ClaimOutcome.NotStarted(template.ValidFrom);
        if (now >= template.ValidUntil) return new ClaimOutcome.Ended();

        var coupon = UserCoupon.Claim(new UserCouponId(ids.Next()), user, template, now);
        return await gate.TryClaimAsync(new ClaimTicket(coupon, key, template.Stock, template.PerUserLimit), ct) switch
        {
            GateDecision.Granted => new ClaimOutcome.Claimed(coupon),
            GateDecision.OutOfStock => new ClaimOutcome.OutOfStock(),
            GateDecision.LimitReached => new ClaimOutcome.LimitReached(template.PerUserLimit),
            GateDecision.Duplicate => await ReplayAsync(user, templateId, key, ct)
                ?? throw new InvalidOperationException("The gate saw a duplicate key that is not stored."),
            _ => throw new System.Diagnostics.UnreachableException(),
        };
    }

    private async Task<ClaimOutcome?> ReplayAsync(UserId user, TemplateId templateId, IdempotencyKey key, CancellationToken ct)
    {
        if (await gate.FindPriorAsync(user, key, ct) is not { } prior) return null;
        if (prior.Template != templateId) return new ClaimOutcome.KeyReused();
        var coupon = await coupons.FindAsync(prior.Coupon, ct)
            ?? throw new InvalidOperationException($"Claim request points at coupon {prior.Coupon} that is not stored.");
        return new ClaimOutcome.AlreadyClaimed(coupon);
    }
}
