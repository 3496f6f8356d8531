using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Gifts;

/// <summary>
/// A GIFT template's gift stock is counted like a money budget (docs/gifts.md): reserved by locks, given by consumes, freed by
/// releases, returned by refunds that break the gift's condition, and never over-given however many orders race for it. Run on
/// every store and with the Redis claim gate.
/// </summary>
public abstract class GiftStocks(EngineApp app)
{
    private readonly HttpClient _merchant = app.AsMerchant(EngineApp.NewId());
    private readonly HttpClient _service = app.AsService();

    /// <summary>满199 and 2 items 送试用装: <paramref name="quantity"/> samples per order, out of <paramref name="stock"/>.</summary>
    private async Task<string> GiftTemplateAsync(long stock, int quantity = 1, long couponStock = 200)
    {
        var now = app.Clock.GetUtcNow();
        var template = await _merchant.CreateTemplateAsync(new Dictionary<string, object?>
        {
            ["name"] = "满199送试用装", ["currency"] = "CNY", ["scope"] = "PLATFORM", ["type"] = "GIFT", ["thresholdAmount"] = 19_900,
            ["gift"] = new { sku = "SAMPLE-50ML", quantity, minQuantity = 2, stock },
            ["validFrom"] = now.AddMinutes(-1), ["validUntil"] = now.AddDays(30), ["stock"] = couponStock, ["perUserLimit"] = 5,
        });
        var gift = template.GetProperty("gift");
        Assert.Equal(("GIFT", "SAMPLE-50ML", quantity, stock), (template.Str("type"), gift.Str("sku"), gift.GetProperty("quantity").GetInt32(),
            gift.GetProperty("stock").GetInt64()));
        return template.Id();
    }

    private async Task<(long Stock, long Given, long Reserved, long Remaining)> StockOfAsync(string template)
    {
        var response = await _merchant.GetAsync($"/api/v1/merchant/templates/{template}/gift-stock");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var s = await response.JsonAsync();
        return (s.GetProperty("stock").GetInt64(), s.GetProperty("given").GetInt64(), s.GetProperty("reserved").GetInt64(),
            s.GetProperty("remaining").GetInt64());
    }

    private static object Cart(long user, int masks = 2) => new
    {
        userId = user,
        currency = "CNY",
        lines = new object[]
        {
            new { sku = "serum", productId = 9001, shopId = 501, unitPrice = 15_000, quantity = 1 },
            new { sku = "mask", productId = 9002, shopId = 501, unitPrice = 3000, quantity = masks },
        },
    };

    private async Task<JsonElement> QuoteAsync(long user, int masks = 2)
    {
        var response = await _service.PostAsJsonAsync("/api/v1/settlement/quotes", Cart(user, masks));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private static async Task<HttpResponseMessage[]> AllAtOnceAsync(int count, Func<int, Task<HttpResponseMessage>> call)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, count).Select(async i => { await start.Task; return await call(i); }).ToArray();
        start.SetResult();
        return await Task.WhenAll(calls);
    }

    [Fact]
    public async Task Sixty_orders_racing_for_a_stock_of_thirty_seven_gifts_get_exactly_thirty_seven_locks()
    {
        var template = await GiftTemplateAsync(stock: 37);
        var users = Enumerable.Range(0, 60).Select(_ => EngineApp.NewId()).ToArray();
        var coupons = new string[users.Length];
        for (var i = 0; i < users.Length; i++) coupons[i] = await app.AsUser(users[i]).ClaimedCouponIdAsync(template);

        var responses = await AllAtOnceAsync(users.Length, i => _service.LockAsync(Api.NewOrderId(), users[i], [coupons[i]]));

        var answers = string.Join(", ", responses.GroupBy(r => r.StatusCode).Select(g => $"{g.Key}: {g.Count()}"));
        Assert.True(responses.Count(r => r.StatusCode == HttpStatusCode.OK) == 37, answers);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
        {
            var problem = await refused.AssertProblemAsync(HttpStatusCode.Conflict, "GIFT_OUT_OF_STOCK");
            Assert.Equal("g:" + template, problem.Str("gift"));
        }
        Assert.Equal((37L, 0L, 37L, 0L), await StockOfAsync(template));
    }

    [Fact]
    public async Task A_lock_reserves_a_consume_gives_a_release_frees_and_a_refund_returns_the_gifts()
    {
        var template = await GiftTemplateAsync(stock: 10, quantity: 2);
        var user = EngineApp.NewId();
        var first = await app.AsUser(user).ClaimedCouponIdAsync(template);
        var second = await app.AsUser(user).ClaimedCouponIdAsync(template);
        var (paid, abandoned) = (Api.NewOrderId(), Api.NewOrderId());

        Assert.Equal(HttpStatusCode.OK, (await _service.LockAsync(paid, user, [first])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _service.LockAsync(abandoned, user, [second])).StatusCode);
        Assert.Equal((10L, 0L, 4L, 6L), await StockOfAsync(template));

        Assert.Equal(HttpStatusCode.OK, (await _service.OrderAsync(paid, "consume")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _service.OrderAsync(abandoned, "release")).StatusCode);
        Assert.Equal((10L, 2L, 0L, 8L), await StockOfAsync(template));

        Assert.Equal(HttpStatusCode.OK, (await _service.OrderAsync(paid, "refund")).StatusCode);
        Assert.Equal((10L, 0L, 0L, 10L), await StockOfAsync(template));
    }

    [Fact]
    public async Task A_quote_shows_the_gift_line_and_a_gift_whose_stock_is_gone_as_gift_out_of_stock()
    {
        var template = await GiftTemplateAsync(stock: 1);
        var (first, second) = (EngineApp.NewId(), EngineApp.NewId());
        var mine = await app.AsUser(first).ClaimedCouponIdAsync(template);
        var theirs = await app.AsUser(second).ClaimedCouponIdAsync(template);

        var before = await QuoteAsync(second);
        var line = Assert.Single(before.GetProperty("gifts").EnumerateArray());
        Assert.Equal((theirs, "SAMPLE-50ML", 1, 0L), (line.Str("couponId"), line.Str("sku"), line.GetProperty("quantity").GetInt32(),
            line.GetProperty("unitPrice").GetInt64()));
        var applied = Assert.Single(before.GetProperty("applied").EnumerateArray());
        Assert.Equal(("GIFT", "GIFT", 0L), (applied.Str("slot"), applied.Str("type"), applied.GetProperty("discount").GetInt64()));
        Assert.Equal(21_000, before.GetProperty("payable").GetInt64());

        Assert.Equal(HttpStatusCode.OK, (await _service.LockAsync(Api.NewOrderId(), first, [mine])).StatusCode);
        var after = await QuoteAsync(second);

        Assert.Empty(after.GetProperty("gifts").EnumerateArray());
        Assert.Equal("GIFT_OUT_OF_STOCK", after.GetProperty("unusable").EnumerateArray().Single(u => u.Str("couponId") == theirs).Str("reason"));
        await (await _service.LockAsync(Api.NewOrderId(), second, [theirs])).AssertProblemAsync(HttpStatusCode.Conflict, "GIFT_OUT_OF_STOCK");
    }

    [Fact]
    public async Task A_quote_says_how_many_more_items_earn_the_gift()
    {
        var template = await GiftTemplateAsync(stock: 5);
        var user = EngineApp.NewId();
        var coupon = await app.AsUser(user).ClaimedCouponIdAsync(template);

        var response = await _service.PostAsJsonAsync("/api/v1/settlement/quotes", new
        {
            userId = user, currency = "CNY", lines = new object[] { new { sku = "serum", shopId = 501, unitPrice = 25_000, quantity = 1 } },
        });

        var why = (await response.JsonAsync()).GetProperty("unusable").EnumerateArray().Single(u => u.Str("couponId") == coupon);
        Assert.Equal(("BELOW_QUANTITY", 1), (why.Str("reason"), why.GetProperty("shortfallItems").GetInt32()));
    }

    [Fact]
    public async Task A_refund_by_lines_that_breaks_the_threshold_returns_the_gift_to_the_stock()
    {
        var template = await GiftTemplateAsync(stock: 3);
        var user = EngineApp.NewId();
        await app.AsUser(user).ClaimedCouponIdAsync(template);
        var quoteId = (await QuoteAsync(user)).Str("quoteId");
        var order = Api.NewOrderId();
        Assert.Equal(HttpStatusCode.OK,
            (await _service.PostAsJsonAsync($"/api/v1/orders/{order}/coupons/lock", new { quoteId, ttlSeconds = 900 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _service.OrderAsync(order, "consume")).StatusCode);
        Assert.Equal((3L, 1L, 0L, 2L), await StockOfAsync(template));

        // 150.00 + 30.00 kept: below 199.00, the sample goes back to the stock; the second refund returns nothing more.
        Assert.Equal(HttpStatusCode.OK, (await _service.PostAsJsonAsync($"/api/v1/settlement/orders/{order}/refunds",
            new { refundId = "r-1", lines = new[] { new { sku = "mask", quantity = 1 } } })).StatusCode);
        Assert.Equal((3L, 0L, 0L, 3L), await StockOfAsync(template));
        Assert.Equal(HttpStatusCode.OK, (await _service.PostAsJsonAsync($"/api/v1/settlement/orders/{order}/refunds",
            new { refundId = "r-2" })).StatusCode);
        Assert.Equal((3L, 0L, 0L, 3L), await StockOfAsync(template));
    }

    [Fact]
    public async Task Giving_the_stock_away_fires_budget_threshold_reached_at_eighty_and_a_hundred_percent()
    {
        var template = await GiftTemplateAsync(stock: 2);
        var user = EngineApp.NewId();
        foreach (var _ in new[] { 1, 2 })
        {
            var coupon = await app.AsUser(user).ClaimedCouponIdAsync(template);
            var order = Api.NewOrderId();
            Assert.Equal(HttpStatusCode.OK, (await _service.LockAsync(order, user, [coupon])).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await _service.OrderAsync(order, "consume")).StatusCode);
        }

        var fired = await Polling.Eventually(() => ThresholdEventsAsync("g:" + template), e => e.Count >= 2, Polling.Seconds(10),
            "two budget-threshold-reached events for the gift stock");
        Assert.Equal([(80, 2L, 2L), (100, 2L, 2L)], fired.Select(e => (e.ThresholdPercent, e.Limit, e.Spent)).Order().ToList());
        Assert.All(fired, e => Assert.Equal((long.Parse(template), (long?)null), (e.TemplateId!.Value, e.CampaignId)));
    }

    /// <summary>The events recorded for a budget key, in the outbox or the event log (counted once by their id).</summary>
    private async Task<List<BudgetThresholdReached>> ThresholdEventsAsync(string budget)
    {
        await using var connection = await app.Services.GetRequiredService<IDatabase>().OpenAsync(CancellationToken.None);
        var envelopes = await connection.QueryAsync<string>(
            "SELECT envelope FROM msg_outbox WHERE subject = @S UNION ALL SELECT envelope FROM msg_event_log WHERE subject = @S",
            new { S = EventSubjects.Of<BudgetThresholdReached>() });
        return envelopes.Select(e => JsonSerializer.Deserialize<EventEnvelope>(e, EventJson.Options)!).DistinctBy(e => e.EventId)
            .Select(e => e.PayloadAs<BudgetThresholdReached>()).Where(e => e.Budget == budget).ToList();
    }

    [Fact]
    public async Task Merchants_add_gift_stock_audited_and_only_to_gift_templates()
    {
        var template = await GiftTemplateAsync(stock: 5);

        var added = await _merchant.PostAsJsonAsync($"/api/v1/merchant/templates/{template}/gift-stock", new { quantity = 20 });

        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Equal(25, (await added.JsonAsync()).GetProperty("remaining").GetInt64());
        var history = await (await _merchant.GetAsync($"/api/v1/merchant/templates/{template}/history")).JsonAsync();
        var entry = history.GetProperty("items").EnumerateArray().Single(e => e.Str("operation") == "ADD_GIFT_STOCK");
        Assert.Equal((5L, 25L), (entry.GetProperty("before").GetProperty("gift").GetProperty("stock").GetInt64(),
            entry.GetProperty("after").GetProperty("gift").GetProperty("stock").GetInt64()));

        var plain = (await _merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow()))).Id();
        var refused = await _merchant.PostAsJsonAsync($"/api/v1/merchant/templates/{plain}/gift-stock", new { quantity = 20 });
        var problem = await refused.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(problem.GetProperty("errors").TryGetProperty("quantity", out _));
        await (await _merchant.GetAsync($"/api/v1/merchant/templates/{plain}/gift-stock")).AssertProblemAsync(HttpStatusCode.NotFound,
            "TEMPLATE_NOT_FOUND");
    }
}

public sealed class GiftStocksOnSqlite(SqliteApp app) : GiftStocks(app), IClassFixture<SqliteApp>;

public sealed class GiftStocksOnMariaDb(MariaDbApp app) : GiftStocks(app), IClassFixture<MariaDbApp>;

public sealed class GiftStocksOnRedis(RedisApp app) : GiftStocks(app), IClassFixture<RedisApp>;
