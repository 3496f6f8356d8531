using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Budgets;

/// <summary>
/// A campaign's money budget is reserved by locks, spent by consumes, freed by releases and restored by refunds, and never
/// overspent however many orders race for it. Run on every store and with the Redis claim gate.
/// </summary>
public abstract class CampaignBudgets(EngineApp app)
{
    private const long Discount = 1000; // Api.ATemplate: 10.00 off orders of 100.00
    private readonly HttpClient _merchant = app.AsMerchant(EngineApp.NewId());
    private readonly HttpClient _service = app.AsService();

    private async Task<(string Campaign, string Template)> CampaignWithBudgetAsync(
        long budget, long stock, int? perUserLimit = null, bool stopClaimsWhenLow = false)
    {
        var created = await _merchant.PostAsJsonAsync("/api/v1/merchant/campaigns", new
        {
            name = "Double 11",
            currency = "CNY",
            validFrom = app.Clock.GetUtcNow().AddMinutes(-1),
            validUntil = app.Clock.GetUtcNow().AddDays(30),
            budget,
            perUserLimit,
            stopClaimsWhenLow,
            thresholds = new[] { 50, 100 },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var campaign = (await created.JsonAsync()).Id();
        return (campaign, await TemplateInAsync(campaign, stock));
    }

    private async Task<string> TemplateInAsync(string campaign, long stock)
    {
        var template = (await _merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow(), stock, perUserLimit: 20))).Id();
        var joined = await _merchant.PutAsJsonAsync($"/api/v1/merchant/templates/{template}/budget", new { campaignId = long.Parse(campaign) });
        Assert.Equal(HttpStatusCode.OK, joined.StatusCode);
        return template;
    }

    private async Task<JsonElement> BudgetOfAsync(string campaign) =>
        (await (await _merchant.GetAsync($"/api/v1/merchant/campaigns/{campaign}")).JsonAsync()).GetProperty("budget");

    private static (long Spent, long Reserved, long Remaining) Figures(JsonElement budget) =>
        (budget.GetProperty("spent").GetInt64(), budget.GetProperty("reserved").GetInt64(), budget.GetProperty("remaining").GetInt64());

    private static async Task<HttpResponseMessage[]> AllAtOnceAsync(int count, Func<int, Task<HttpResponseMessage>> call)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, count).Select(async i => { await start.Task; return await call(i); }).ToArray();
        start.SetResult();
        return await Task.WhenAll(calls);
    }

    [Fact]
    public async Task A_hundred_orders_racing_for_a_budget_that_covers_thirty_seven_discounts_get_exactly_thirty_seven_locks()
    {
        var (campaign, template) = await CampaignWithBudgetAsync(budget: 37 * Discount + Discount - 1, stock: 100);
        var users = Enumerable.Range(0, 100).Select(_ => EngineApp.NewId()).ToArray();
        var coupons = new string[users.Length];
        for (var i = 0; i < users.Length; i++) coupons[i] = await app.AsUser(users[i]).ClaimedCouponIdAsync(template);

        var responses = await AllAtOnceAsync(100, i => _service.LockAsync(Api.NewOrderId(), users[i], [coupons[i]]));

        var answers = string.Join(", ", responses.GroupBy(r => r.StatusCode).Select(g => $"{g.Key}: {g.Count()}"));
        Assert.True(responses.Count(r => r.StatusCode == HttpStatusCode.OK) == 37, answers);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
            await refused.AssertProblemAsync(HttpStatusCode.Conflict, "BUDGET_EXHAUSTED");
        var budget = await BudgetOfAsync(campaign);
        Assert.Equal(37 * Discount, budget.GetProperty("reserved").GetInt64());
        Assert.Equal(0, budget.GetProperty("spent").GetInt64());
        Assert.Equal(Discount - 1, budget.GetProperty("remaining").GetInt64());
    }

    [Fact]
    public async Task A_lock_reserves_a_consume_spends_a_release_frees_and_a_refund_restores()
    {
        var (campaign, template) = await CampaignWithBudgetAsync(budget: 10 * Discount, stock: 10);
        var user = EngineApp.NewId();
        var first = await app.AsUser(user).ClaimedCouponIdAsync(template);
        var second = await app.AsUser(user).ClaimedCouponIdAsync(template);
        var (paid, abandoned) = (Api.NewOrderId(), Api.NewOrderId());

        Assert.Equal(HttpStatusCode.OK, (await _service.LockAsync(paid, user, [first])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _service.LockAsync(abandoned, user, [second])).StatusCode);
        Assert.Equal(2 * Discount, (await BudgetOfAsync(campaign)).GetProperty("reserved").GetInt64());

        Assert.Equal(HttpStatusCode.OK, (await _service.OrderAsync(paid, "consume")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _service.OrderAsync(abandoned, "release")).StatusCode);
        Assert.Equal((Discount, 0L, 9 * Discount), Figures(await BudgetOfAsync(campaign)));

        Assert.Equal(HttpStatusCode.OK, (await _service.OrderAsync(paid, "refund")).StatusCode);
        Assert.Equal((0L, 0L, 10 * Discount), Figures(await BudgetOfAsync(campaign)));
        var own = await (await _merchant.GetAsync($"/api/v1/merchant/templates/{template}/budget")).JsonAsync();
        Assert.Equal(campaign, own.Str("campaignId"));
    }

    [Fact]
    public async Task A_whole_refund_after_a_refund_by_lines_gave_the_whole_discount_back_restores_nothing_more()
    {
        var (campaign, template) = await CampaignWithBudgetAsync(budget: 10 * Discount, stock: 10);
        var user = EngineApp.NewId();
        await app.AsUser(user).ClaimedCouponIdAsync(template);
        var quote = await (await _service.PostAsJsonAsync("/api/v1/settlement/quotes", new
        {
            userId = user,
            currency = "CNY",
            lines = new object[]
            {
                new { sku = "shoe", shopId = 501, unitPrice = 10_000, quantity = 1 },
                new { sku = "sock", shopId = 501, unitPrice = 2000, quantity = 1 },
            },
        })).JsonAsync();
        var order = Api.NewOrderId();
        Assert.Equal(HttpStatusCode.OK, (await _service.PostAsJsonAsync($"/api/v1/orders/{order}/coupons/lock",
            new { quoteId = quote.Str("quoteId"), ttlSeconds = 900 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _service.OrderAsync(order, "consume")).StatusCode);

        // The sock alone is below 100.00: what left with the shoe and the claw-back give the whole 10.00 back to the budget.
        Assert.Equal(HttpStatusCode.OK, (await _service.PostAsJsonAsync($"/api/v1/settlement/orders/{order}/refunds",
            new { refundId = "r-1", lines = new[] { new { sku = "shoe", quantity = 1 } } })).StatusCode);
        Assert.Equal((0L, 0L, 10 * Discount), Figures(await BudgetOfAsync(campaign)));
        Assert.Equal(HttpStatusCode.OK, (await _service.PostAsJsonAsync($"/api/v1/settlement/orders/{order}/refunds",
            new { refundId = "r-2" })).StatusCode);
        Assert.Equal((0L, 0L, 10 * Discount), Figures(await BudgetOfAsync(campaign)));
    }

    [Fact]
    public async Task A_quote_shows_a_coupon_the_remaining_budget_cannot_cover_as_budget_exhausted()
    {
        var (_, template) = await CampaignWithBudgetAsync(budget: Discount + Discount / 2, stock: 10);
        var (first, second) = (EngineApp.NewId(), EngineApp.NewId());
        var mine = await app.AsUser(first).ClaimedCouponIdAsync(template);
        var theirs = await app.AsUser(second).ClaimedCouponIdAsync(template);
        var before = await QuoteAsync(second);
        Assert.Equal(theirs, before.GetProperty("applied").EnumerateArray().Single().Str("couponId"));

        Assert.Equal(HttpStatusCode.OK, (await _service.LockAsync(Api.NewOrderId(), first, [mine])).StatusCode);
        var after = await QuoteAsync(second);

        Assert.Empty(after.GetProperty("applied").EnumerateArray());
        Assert.Equal("BUDGET_EXHAUSTED", after.GetProperty("unusable").EnumerateArray().Single(u => u.Str("couponId") == theirs).Str("reason"));
        await (await _service.LockAsync(Api.NewOrderId(), second, [theirs])).AssertProblemAsync(HttpStatusCode.Conflict, "BUDGET_EXHAUSTED");
    }

    private async Task<JsonElement> QuoteAsync(long user)
    {
        var response = await _service.PostAsJsonAsync("/api/v1/settlement/quotes", new
        {
            userId = user,
            currency = "CNY",
            lines = new object[] { new { sku = "shoe-1", productId = 9001, shopId = 501, unitPrice = 20_000, quantity = 1 } },
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    [Fact]
    public async Task One_user_racing_twelve_claims_over_two_templates_of_a_campaign_gets_its_per_user_limit_of_three()
    {
        var (campaign, first) = await CampaignWithBudgetAsync(budget: 100 * Discount, stock: 100, perUserLimit: 3);
        var second = await TemplateInAsync(campaign, stock: 100);
        var user = app.AsUser(EngineApp.NewId());

        var responses = await AllAtOnceAsync(12, i => user.ClaimAsync(i % 2 == 0 ? first : second));

        var answers = string.Join(", ", responses.GroupBy(r => r.StatusCode).Select(g => $"{g.Key}: {g.Count()}"));
        Assert.True(responses.Count(r => r.StatusCode == HttpStatusCode.Created) == 3, answers);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            await refused.AssertProblemAsync(HttpStatusCode.Conflict, "CAMPAIGN_LIMIT_REACHED");
        Assert.Equal(3, (await (await user.GetAsync("/api/v1/me/coupons")).JsonAsync()).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_campaign_that_stops_claims_when_low_refuses_a_claim_its_budget_cannot_cover()
    {
        var (campaign, template) = await CampaignWithBudgetAsync(budget: Discount + Discount / 2, stock: 10, stopClaimsWhenLow: true);
        var userId = EngineApp.NewId();
        var user = app.AsUser(userId);
        var coupon = await user.ClaimedCouponIdAsync(template);
        Assert.Equal(HttpStatusCode.OK, (await _service.LockAsync(Api.NewOrderId(), userId, [coupon])).StatusCode);

        var refused = await user.ClaimAsync(template);

        var problem = await refused.AssertProblemAsync(HttpStatusCode.Conflict, "BUDGET_EXHAUSTED");
        Assert.Equal("c:" + campaign, problem.Str("budget"));
    }

    [Fact]
    public async Task Spending_fires_one_event_per_threshold_crossed()
    {
        var (campaign, template) = await CampaignWithBudgetAsync(budget: 2 * Discount, stock: 10); // thresholds 50 and 100
        var user = EngineApp.NewId();
        foreach (var _ in new[] { 1, 2 })
        {
            var coupon = await app.AsUser(user).ClaimedCouponIdAsync(template);
            var order = Api.NewOrderId();
            Assert.Equal(HttpStatusCode.OK, (await _service.LockAsync(order, user, [coupon])).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await _service.OrderAsync(order, "consume")).StatusCode);
        }

        var fired = await Polling.Eventually(() => ThresholdEventsAsync("c:" + campaign), e => e.Count >= 2, Polling.Seconds(10),
            "two budget-threshold-reached events");
        Assert.Equal([(50, Discount), (100, 2 * Discount)], fired.Select(e => (e.ThresholdPercent, e.Spent)).Order().ToList());
        Assert.All(fired, e => Assert.Equal(long.Parse(campaign), e.CampaignId));
    }

    /// <summary>The events recorded for a budget, whether still in the outbox or published to the event log (they are retained).</summary>
    private async Task<List<BudgetThresholdReached>> ThresholdEventsAsync(string budget)
    {
        await using var connection = await app.Services.GetRequiredService<IDatabase>().OpenAsync(CancellationToken.None);
        var envelopes = await connection.QueryAsync<string>(
            "SELECT envelope FROM msg_outbox WHERE subject = @S UNION ALL SELECT envelope FROM msg_event_log WHERE subject = @S",
            new { S = EventSubjects.Of<BudgetThresholdReached>() });
        // An event moving from the outbox to the log between the two reads is one event: counted by its id.
        return envelopes.Select(e => JsonSerializer.Deserialize<EventEnvelope>(e, EventJson.Options)!).DistinctBy(e => e.EventId)
            .Select(e => e.PayloadAs<BudgetThresholdReached>()).Where(e => e.Budget == budget).ToList();
    }

    [Fact]
    public async Task A_template_joins_only_a_campaign_of_its_own_currency()
    {
        var created = await _merchant.PostAsJsonAsync("/api/v1/merchant/campaigns", new
        {
            name = "Summer", currency = "USD", validFrom = app.Clock.GetUtcNow(), validUntil = app.Clock.GetUtcNow().AddDays(1), budget = 5000,
        });
        var campaign = (await created.JsonAsync()).Id();
        var template = (await _merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow()))).Id();

        var joined = await _merchant.PutAsJsonAsync($"/api/v1/merchant/templates/{template}/budget", new { campaignId = long.Parse(campaign) });

        var problem = await joined.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(problem.GetProperty("errors").TryGetProperty("campaignId", out _));
    }
}

public sealed class CampaignBudgetsOnSqlite(SqliteApp app) : CampaignBudgets(app), IClassFixture<SqliteApp>;

public sealed class CampaignBudgetsOnMariaDb(MariaDbApp app) : CampaignBudgets(app), IClassFixture<MariaDbApp>;

public sealed class CampaignBudgetsOnRedis(RedisApp app) : CampaignBudgets(app), IClassFixture<RedisApp>;
