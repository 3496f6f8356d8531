namespace PromotionEngine.Engine.Claims.Admission;

/// <summary>
/// What stands between a claim and its gate when demand exceeds stock (docs/admission.md), cheapest first: the sold-out flag
/// (local, answers OUT_OF_STOCK), the per-user and per-address limits (Redis or local, answer 429), the template's bound on
/// claims in flight (local, answers 429); then the gate decides, and an OUT_OF_STOCK from it may raise the flag.
/// </summary>
internal sealed class ClaimAdmission(SoldOutFlags soldOut, IClaimRateLimits limits, TemplateAdmission templates, EngineMetrics metrics)
{
    /// <summary>A template at its bound asks callers back after this long (Retry-After is in whole seconds).</summary>
    public static readonly TimeSpan BusyRetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>The gate's decision, or the refusal that kept the claim from it.</summary>
    public async Task<Admitted> DecideAsync(ClaimTicket ticket, string? clientAddress, IClaimGate gate, CancellationToken ct)
    {
        var template = ticket.Template;
        if (soldOut.Refuses(template, ticket.Coupon.User, ticket.Now))
        {
            metrics.AdmissionRefused("sold_out_flag");
            return new Admitted(new ClaimOutcome.OutOfStock(), null);
        }
        // On a single Redis the gate counts the limits in its own call (one round trip per claim); otherwise they are counted here.
        var countedByGate = limits.CountedByGate(ticket.Coupon.User, clientAddress);
        if (countedByGate is null && await limits.RefusalAsync(ticket.Coupon.User, clientAddress, ct) is { } limited)
            return Limited(limited.Limit, limited.RetryAfter);
        GateDecision decision;
        using (var slot = templates.TryEnter(template.Id))
        {
            if (slot is null)
            {
                metrics.AdmissionRefused("template_busy");
                return new Admitted(new ClaimOutcome.RateLimited(BusyRetryAfter, "template"), null);
            }
            decision = await gate.TryClaimAsync(countedByGate is { Count: > 0 } ? ticket with { Limits = countedByGate } : ticket, ct);
        }
        if (decision is GateDecision.OverClaimLimit over) return Limited(over.Limit, over.RetryAfter);
        if (decision is GateDecision.OutOfStock) await soldOut.ConfirmAsync(template, ct);
        return new Admitted(null, decision);
    }

    private Admitted Limited(string limit, TimeSpan retryAfter)
    {
        metrics.AdmissionRefused(limit == ClaimLimitRefusal.PerUser ? "user_limit" : "ip_limit");
        return new Admitted(new ClaimOutcome.RateLimited(retryAfter, limit), null);
    }

    /// <summary>Exactly one of the two is set.</summary>
    internal readonly record struct Admitted(ClaimOutcome? Refusal, GateDecision? Decision);
}
