using System.Text.Json;
using PromotionEngine.Contracts.Http;
using PromotionEngine.Contracts.Http.MerchantAdmin;
using PromotionEngine.Kernel.Documentation;
using PromotionEngine.MerchantAdmin.Templates;

namespace PromotionEngine.MerchantAdmin.Campaigns;

/// <summary>The OpenAPI document's examples of the campaign endpoints: 双11, merchant 7's campaign with a 5 000.00 budget.</summary>
internal static class CampaignExamples
{
    public const string CampaignId = "388195662686060544";
    private static readonly DateTimeOffset ValidFrom = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset ValidUntil = new(2026, 11, 12, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Created = new(2026, 10, 20, 8, 30, 0, TimeSpan.Zero);

    private static readonly CreateCampaignRequest Create = new("双11大促", "CNY", ValidFrom, ValidUntil, 3, 500_000, true, [80, 100]);

    private static readonly BudgetResponse Budget = new(500_000, 120_000, 8_000, 372_000, true, [80, 100]);

    private static readonly CampaignResponse Campaign = new(CampaignId, "7", "双11大促", "CNY", ValidFrom, ValidUntil, "ACTIVE", 3,
        Budget, [TemplateExamples.TemplateId], Created, Created);

    public static readonly ApiExample Created201 = new("created", "A campaign with a 5 000.00 budget, 3 coupons per user over its templates",
        201, Campaign with { Budget = Budget with { Spent = 0, Reserved = 0, Remaining = 500_000 }, TemplateIds = [] }, Create);

    public static readonly ApiExample Listed = new("campaigns", "The merchant's campaigns, newest first", 200,
        new Page<CampaignResponse>([Campaign], null), Parameters: new Dictionary<string, string> { ["limit"] = "20" });

    public static readonly ApiExample Found = new("campaign", "A campaign with its budget spent, reserved and remaining", 200, Campaign,
        Parameters: new Dictionary<string, string> { ["id"] = CampaignId });

    public static readonly ApiExample Changed = new("budget-raised", "A larger budget", 200,
        Campaign with { Budget = Budget with { Limit = 800_000, Remaining = 672_000 }, UpdatedAt = Created.AddDays(5) },
        new ChangeCampaignRequest(null, null, null, 800_000, null, null), new Dictionary<string, string> { ["id"] = CampaignId });

    public static readonly ApiExample History = new("history", "Created, a template joined, the budget raised", 200, new Page<CampaignHistoryEntry>(
        [
            new("388195662686060545", "CREATE", "merchant:7", Created, null,
                Json("""{"name": "双11大促", "currency": "CNY", "perUserLimit": 3, "budget": 500000, "thresholds": [80, 100]}""")),
            new("388195662686060546", "SET_TEMPLATE_BUDGET", "merchant:7", Created.AddHours(1), null,
                Json($$"""{"templateId": "{{TemplateExamples.TemplateId}}", "campaignId": "{{CampaignId}}", "budget": null}""")),
            new("388195662686060547", "CHANGE", "merchant:7", Created.AddDays(5), Json("""{"budget": 500000}"""), Json("""{"budget": 800000}""")),
        ], null),
        Parameters: new Dictionary<string, string> { ["id"] = CampaignId });

    private static readonly TemplateBudgetResponse TemplateBudget = new(TemplateExamples.TemplateId, CampaignId,
        new BudgetResponse(100_000, 40_000, 2_000, 58_000, false, [80, 100]), Budget);

    public static readonly ApiExample BudgetSet = new("joined", "The template joins the campaign and gets a 1 000.00 budget of its own", 200,
        TemplateBudget, new SetTemplateBudgetRequest(long.Parse(CampaignId, System.Globalization.CultureInfo.InvariantCulture), 100_000),
        new Dictionary<string, string> { ["id"] = TemplateExamples.TemplateId });

    public static readonly ApiExample BudgetFound = new("budgets", "The template's own budget and its campaign's", 200, TemplateBudget,
        Parameters: new Dictionary<string, string> { ["id"] = TemplateExamples.TemplateId });

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
