using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Budgets;

/// <summary>
/// The audit trail of campaigns and of the budget terms of templates: who changed what, the members before and after, read as
/// the template history reads (oldest first).
/// </summary>
public abstract class CampaignHistory(EngineApp app)
{
    private readonly long _merchantId = EngineApp.NewId();
    private HttpClient Merchant => app.AsMerchant(_merchantId);

    private static List<JsonElement> Items(JsonElement page) => page.GetProperty("items").EnumerateArray().ToList();

    [Fact]
    public async Task Creation_changes_and_templates_joining_are_in_the_campaign_s_history_with_before_and_after()
    {
        var now = app.Clock.GetUtcNow();
        var created = await Merchant.PostAsJsonAsync("/api/v1/merchant/campaigns",
            new { name = "双11", currency = "CNY", validFrom = now, validUntil = now.AddDays(10), perUserLimit = 3, budget = 500_000 });
        var campaign = (await created.JsonAsync()).Id();
        var url = $"/api/v1/merchant/campaigns/{campaign}";
        Assert.Equal(HttpStatusCode.OK, (await Merchant.PatchAsJsonAsync(url, new { budget = 800_000, perUserLimit = 4 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Merchant.PatchAsJsonAsync(url, new { budget = 800_000 })).StatusCode); // no change: no entry
        var template = (await Merchant.CreateTemplateAsync(Api.ATemplate(now))).Id();
        Assert.Equal(HttpStatusCode.OK,
            (await Merchant.PutAsJsonAsync($"/api/v1/merchant/templates/{template}/budget", new { campaignId = long.Parse(campaign) })).StatusCode);

        var history = Items(await (await Merchant.GetAsync(url + "/history")).JsonAsync());

        Assert.Equal(["CREATE", "CHANGE", "SET_TEMPLATE_BUDGET"], history.Select(e => e.Str("operation")));
        Assert.All(history, e => Assert.Equal($"merchant:{_merchantId}", e.Str("actor")));
        Assert.Equal(JsonValueKind.Null, history[0].GetProperty("before").ValueKind);
        Assert.Equal((500_000L, 3), (history[0].GetProperty("after").GetProperty("budget").GetInt64(),
            history[0].GetProperty("after").GetProperty("perUserLimit").GetInt32()));
        var change = history[1];
        Assert.Equal((500_000L, 800_000L), (change.GetProperty("before").GetProperty("budget").GetInt64(),
            change.GetProperty("after").GetProperty("budget").GetInt64()));
        Assert.Equal((3, 4), (change.GetProperty("before").GetProperty("perUserLimit").GetInt32(),
            change.GetProperty("after").GetProperty("perUserLimit").GetInt32()));
        Assert.False(change.GetProperty("after").TryGetProperty("name", out _)); // only what changed
        Assert.Equal((template, campaign), (history[2].GetProperty("after").Str("templateId"), history[2].GetProperty("after").Str("campaignId")));
        await (await app.AsMerchant(EngineApp.NewId()).GetAsync(url + "/history")).AssertProblemAsync(HttpStatusCode.NotFound, "CAMPAIGN_NOT_FOUND");
    }

    [Fact]
    public async Task A_template_s_own_budget_and_campaign_are_in_the_template_s_history()
    {
        var now = app.Clock.GetUtcNow();
        var template = (await Merchant.CreateTemplateAsync(Api.ATemplate(now))).Id();
        var budget = $"/api/v1/merchant/templates/{template}/budget";
        Assert.Equal(HttpStatusCode.OK, (await Merchant.PutAsJsonAsync(budget, new { budget = 50_000 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Merchant.PutAsJsonAsync(budget, new { budget = 70_000, stopClaimsWhenLow = true })).StatusCode);

        var history = Items(await (await Merchant.GetAsync($"/api/v1/merchant/templates/{template}/history")).JsonAsync());

        Assert.Equal(["CREATE", "SET_BUDGET", "SET_BUDGET"], history.Select(e => e.Str("operation")));
        Assert.Equal(JsonValueKind.Null, history[1].GetProperty("before").ValueKind);
        Assert.Equal(50_000, history[1].GetProperty("after").GetProperty("budget").GetInt64());
        Assert.Equal((50_000L, 70_000L), (history[2].GetProperty("before").GetProperty("budget").GetInt64(),
            history[2].GetProperty("after").GetProperty("budget").GetInt64()));
        Assert.True(history[2].GetProperty("after").GetProperty("stopClaimsWhenLow").GetBoolean());
    }
}

public sealed class CampaignHistoryOnSqlite(SqliteApp app) : CampaignHistory(app), IClassFixture<SqliteApp>;

public sealed class CampaignHistoryOnMariaDb(MariaDbApp app) : CampaignHistory(app), IClassFixture<MariaDbApp>;
