using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Search;

/// <summary>
/// Finding a merchant's templates by campaign and by audience (docs/campaigns.md, docs/audiences.md), and the exposure of a
/// campaign's templates only while the campaign is open (its window closes their claims).
/// </summary>
public abstract class CampaignAndAudienceFilters(EngineApp app)
{
    private readonly long _merchantId = EngineApp.NewId();
    private HttpClient Merchant => app.AsMerchant(_merchantId);

    private async Task<string> CampaignAsync(TimeSpan endsIn)
    {
        var now = app.Clock.GetUtcNow();
        var created = await Merchant.PostAsJsonAsync("/api/v1/merchant/campaigns",
            new { name = "Filters", currency = "CNY", validFrom = now.AddMinutes(-1), validUntil = now + endsIn });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.JsonAsync()).Id();
    }

    private async Task<string> TemplateAsync(string? audience = null, string? campaign = null, long? shop = null)
    {
        var values = JsonSerializer.SerializeToElement(Api.ATemplate(app.Clock.GetUtcNow())).Deserialize<Dictionary<string, object?>>()!;
        if (audience is not null) values["audienceId"] = audience;
        if (shop is not null) (values["scope"], values["shopId"]) = ("SHOP", shop);
        var template = (await Merchant.CreateTemplateAsync(values)).Id();
        if (campaign is not null)
        {
            var joined = await Merchant.PutAsJsonAsync($"/api/v1/merchant/templates/{template}/budget", new { campaignId = long.Parse(campaign) });
            Assert.Equal(HttpStatusCode.OK, joined.StatusCode);
        }
        return template;
    }

    private async Task<List<string>> FoundAsync(string filters)
    {
        var response = await Merchant.GetAsync($"/api/v1/search/templates?merchantId={_merchantId}&limit=100&{filters}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("items").EnumerateArray().Select(i => i.Id()).Order().ToList();
    }

    [Fact]
    public async Task Templates_are_found_by_campaign_by_audience_and_by_whether_they_require_one()
    {
        var created = await Merchant.PostAsJsonAsync("/api/v1/merchant/audiences", new { name = "VIP" });
        var audience = (await created.JsonAsync()).Id();
        var campaign = await CampaignAsync(TimeSpan.FromDays(10));
        var forAudience = await TemplateAsync(audience: audience);
        var inCampaign = await TemplateAsync(campaign: campaign);
        var plain = await TemplateAsync();
        await Polling.Eventually(() => FoundAsync(""), ids => ids.Count == 3, Polling.Seconds(30), "the three templates indexed");

        Assert.Equal([forAudience], await FoundAsync($"audienceId={audience}"));
        Assert.Equal([forAudience], await FoundAsync("requiresAudience=true"));
        Assert.Equal(new[] { inCampaign, plain }.Order(), await FoundAsync("requiresAudience=false"));
        Assert.Equal([inCampaign], await FoundAsync($"campaignId={campaign}"));
        Assert.Empty(await FoundAsync($"campaignId={campaign}&requiresAudience=true"));
        var bad = await Merchant.GetAsync("/api/v1/search/templates?campaignId=0&audienceId=-1");
        var problem = await bad.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(problem.GetProperty("errors").TryGetProperty("campaignId", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("audienceId", out _));
    }

    [Fact]
    public async Task The_exposure_stops_offering_a_campaign_s_template_once_the_campaign_ends()
    {
        var shop = EngineApp.NewId();
        var campaign = await CampaignAsync(TimeSpan.FromHours(1));
        var inCampaign = await TemplateAsync(campaign: campaign, shop: shop);
        var plain = await TemplateAsync(shop: shop);
        async Task<List<string>> ExposedAsync() =>
            (await (await app.AsUser(EngineApp.NewId()).GetAsync($"/api/v1/search/exposure?shopId={shop}&limit=100")).JsonAsync())
            .GetProperty("items").EnumerateArray().Select(i => i.Id()).Where(id => id == inCampaign || id == plain).Order().ToList();
        await Polling.Eventually(ExposedAsync, ids => ids.Count == 2, Polling.Seconds(30), "both templates exposed");

        app.Clock.Advance(TimeSpan.FromHours(2));

        Assert.Equal([plain], await ExposedAsync());
        await (await app.AsUser(EngineApp.NewId()).ClaimAsync(inCampaign)).AssertProblemAsync(HttpStatusCode.Conflict, "ENDED");
    }
}

public sealed class CampaignAndAudienceFiltersOnSqlite(SqliteApp app) : CampaignAndAudienceFilters(app), IClassFixture<SqliteApp>;
