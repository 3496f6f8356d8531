using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Budgets;

/// <summary>
/// A distribution task pushes a campaign's template under the campaign's rules: a task that would start outside the campaign's
/// window is refused when it is created, and a user who already holds the campaign's per-user limit (over all its templates,
/// claimed or pushed) gets a failure row CAMPAIGN_LIMIT_REACHED instead of a coupon.
/// </summary>
public abstract class CampaignDistributions(EngineApp app)
{
    private readonly HttpClient _merchant = app.AsMerchant(EngineApp.NewId());

    private async Task<string> CampaignAsync(int? perUserLimit, TimeSpan? endsIn = null)
    {
        var now = app.Clock.GetUtcNow();
        var created = await _merchant.PostAsJsonAsync("/api/v1/merchant/campaigns", new
        {
            name = "Members' week", currency = "CNY", validFrom = now.AddMinutes(-1), validUntil = now + (endsIn ?? TimeSpan.FromDays(30)),
            perUserLimit,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.JsonAsync()).Id();
    }

    private async Task<string> TemplateInAsync(string campaign)
    {
        var template = (await _merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow(), stock: 1000, perUserLimit: 5))).Id();
        var joined = await _merchant.PutAsJsonAsync($"/api/v1/merchant/templates/{template}/budget", new { campaignId = long.Parse(campaign) });
        Assert.Equal(HttpStatusCode.OK, joined.StatusCode);
        return template;
    }

    [Fact]
    public async Task A_task_that_would_start_after_the_campaign_ends_is_refused_at_creation()
    {
        var template = await TemplateInAsync(await CampaignAsync(perUserLimit: null, endsIn: TimeSpan.FromHours(2)));
        var file = Distributions.CsvOfUsers([EngineApp.NewId()]);

        var refused = await _merchant.PostAsync("/api/v1/merchant/distribution-tasks",
            Distributions.Form(template, file, startAt: app.Clock.GetUtcNow().AddHours(3)));

        var problem = await refused.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "START_OUTSIDE_CAMPAIGN_WINDOW");
        Assert.Equal("startAt", problem.Str("field"));
        Assert.True(problem.TryGetProperty("validUntil", out _));
        Assert.Equal(HttpStatusCode.Accepted,
            (await _merchant.PostAsync("/api/v1/merchant/distribution-tasks", Distributions.Form(template, file))).StatusCode);
    }

    [Fact]
    public async Task A_user_at_the_campaign_s_limit_gets_a_failure_row_and_pushed_coupons_count_toward_it()
    {
        var campaign = await CampaignAsync(perUserLimit: 2);
        var (first, second) = (await TemplateInAsync(campaign), await TemplateInAsync(campaign));
        var (full, one, fresh) = (EngineApp.NewId(), EngineApp.NewId(), EngineApp.NewId());
        await app.AsUser(full).ClaimedCouponIdAsync(first);
        await app.AsUser(full).ClaimedCouponIdAsync(second);
        await app.AsUser(one).ClaimedCouponIdAsync(first);

        var task = await _merchant.CreateTaskAsync(Distributions.Form(second, Distributions.CsvOfUsers([full, one, fresh])));
        var done = await _merchant.UntilAsync(task, "SUCCEEDED");

        Assert.Equal((2L, 1L), (done.Long("issued"), done.Long("failed")));
        var failures = (await (await _merchant.GetAsync($"/api/v1/merchant/distribution-tasks/{task}/failures")).JsonAsync())
            .GetProperty("items").EnumerateArray().ToList();
        var failure = Assert.Single(failures);
        Assert.Equal(("CAMPAIGN_LIMIT_REACHED", full.ToString(CultureInfo.InvariantCulture)),
            (failure.Str("reason"), failure.Str("rawValue")));
        // The pushed coupon counts: the user who had one now holds the campaign's two.
        await (await app.AsUser(one).ClaimAsync(first)).AssertProblemAsync(HttpStatusCode.Conflict, "CAMPAIGN_LIMIT_REACHED");
        Assert.Equal(HttpStatusCode.Created, (await app.AsUser(fresh).ClaimAsync(first)).StatusCode);
    }
}

public sealed class CampaignDistributionsOnSqlite(SqliteApp app) : CampaignDistributions(app), IClassFixture<SqliteApp>;

public sealed class CampaignDistributionsOnMariaDb(MariaDbApp app) : CampaignDistributions(app), IClassFixture<MariaDbApp>;

public sealed class CampaignDistributionsOnRedis(RedisApp app) : CampaignDistributions(app), IClassFixture<RedisApp>;
