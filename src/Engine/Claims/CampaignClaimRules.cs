using PromotionEngine.Contracts.Engine;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Engine.Budgets;

namespace PromotionEngine.Engine.Claims;

/// <summary>
/// What a template's campaign adds to a claim before the gate decides it: the campaign's window, and, where a budget stops
/// claims when low, enough left of it to cover the template's largest discount. Neither changes anything, so neither needs
/// the gate's atomic step: a budget is only ever spent by locks, which reserve it exactly (<see cref="BudgetLedger"/>). The
/// budget is read only when what remains may be near the largest discount (<see cref="BudgetReadings"/>).
/// </summary>
internal sealed class CampaignClaimRules(ICouponBudgets budgets, ICouponPricingTerms pricing)
{
    public async Task<ClaimOutcome?> RefusalAsync(CouponTemplateSnapshot template, DateTimeOffset now, CancellationToken ct)
    {
        var terms = template.BudgetTerms;
        if (terms.CampaignValidFrom is { } from && now < from) return new ClaimOutcome.NotStarted(from);
        if (terms.CampaignValidUntil is { } until && now >= until) return new ClaimOutcome.Ended();
        var stopping = terms.Limits.Where(l => l.StopClaimsWhenLow).ToList();
        if (stopping.Count == 0) return null;
        var largest = (await pricing.FindAsync([template.Id], ct)).TryGetValue(template.Id, out var t) ? BudgetLedger.LargestDiscount(t) : 0;
        var usage = await budgets.AdvisoryUsageAsync(stopping.Select(l => new AdvisoryBudget(l.Key, l.Limit, largest)).ToList(), ct);
        return stopping.FirstOrDefault(l => usage[l.Key].RemainingOf(l.Limit) < largest) is { } low
            ? new ClaimOutcome.BudgetExhausted(low.Key)
            : null;
    }
}
