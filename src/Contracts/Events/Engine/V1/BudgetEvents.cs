using PromotionEngine.Kernel.Messaging;

namespace PromotionEngine.Contracts.Events.Engine.V1;

/// <summary>
/// A money budget's spending crossed one of its thresholds (a percentage of the budget, e.g. 80 or 100): once per budget
/// and threshold, in the transaction of the consume that crossed it. Partitioned by budget.
/// </summary>
/// <param name="Budget">The budget's key: "c:&lt;campaignId&gt;" for a campaign's, "t:&lt;templateId&gt;" for a template's own.</param>
/// <param name="CampaignId">The campaign whose budget it is, or null for a template's own.</param>
/// <param name="TemplateId">The template whose own budget it is, or null for a campaign's.</param>
/// <param name="ThresholdPercent">The threshold crossed; when one consume crosses several, one event each.</param>
/// <param name="Limit">The budget, minor units.</param>
/// <param name="Spent">What consumed coupons had spent of it once this consume was counted, minor units.</param>
public sealed record BudgetThresholdReached(
    string Budget, long? CampaignId, long? TemplateId, long MerchantId, int ThresholdPercent, long Limit, long Spent,
    DateTimeOffset ReachedAt) : IIntegrationEvent
{
    public static string Type => "budget-threshold-reached";
    public static int SchemaVersion => 1;
    public static string Producer => "engine";
    public static bool Retained => true;
}
