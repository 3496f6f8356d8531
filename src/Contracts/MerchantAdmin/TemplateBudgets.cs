namespace PromotionEngine.Contracts.MerchantAdmin;

/// <summary>
/// A template's campaign and money budgets, as a claim, a lock and a quote need them: the campaign (if it joined one), the
/// campaign's window and per-user limit across all its templates, and each budget the template's coupons draw on (its own,
/// its campaign's), in key order.
/// </summary>
public sealed record TemplateBudgets(
    long? CampaignId,
    DateTimeOffset? CampaignValidFrom,
    DateTimeOffset? CampaignValidUntil,
    int? CampaignPerUserLimit,
    IReadOnlyList<BudgetLimit> Limits)
{
    public static readonly TemplateBudgets None = new(null, null, null, null, []);
}

/// <summary>
/// One money budget (minor units of the template's currency). StopClaimsWhenLow: claims are refused BUDGET_EXHAUSTED once
/// what remains cannot cover a coupon's largest discount. Thresholds: percentages of the budget spent at which an event fires.
/// </summary>
public sealed record BudgetLimit(string Key, long Limit, bool StopClaimsWhenLow, IReadOnlyList<int> Thresholds);
