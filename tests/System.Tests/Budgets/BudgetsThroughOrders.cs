using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Budgets;

/// <summary>
/// A campaign's budget through an order's life with a quote: what a quote offers together, what a lapsed lock gives back, and
/// what a refund by lines restores (the settlement's returned and clawed-back discount, no more).
/// </summary>
public abstract class BudgetsThroughOrders(EngineApp app)
{
    private readonly HttpClient _merchant = app.AsMerchant(EngineApp.NewId());
    private readonly HttpClient _service = app.AsService();

    private async Task<string> CampaignAsync(long budget)
    {
        var created = await _merchant.PostAsJsonAsync("/api/v1/merchant/campaigns", new
        {
            name = "Double 12", currency = "CNY", validFrom = app.Clock.GetUtcNow().AddMinutes(-1), validUntil = app.Clock.GetUtcNow().AddDays(30),
            budget,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.JsonAsync()).Id();
    }

    /// <summary>A template of the given terms (scope, type, amounts) in the campaign; one coupon of it claimed by the user.</summary>
    private async Task<string> CouponInAsync(string campaign, long user, object terms)
    {
        var now = app.Clock.GetUtcNow();
        var values = new Dictionary<string, object?>
        {
            ["name"] = "budget test", ["currency"] = "CNY", ["validFrom"] = now.AddMinutes(-1), ["validUntil"] = now.AddDays(30),
            ["stock"] = 10, ["perUserLimit"] = 1,
        };
        foreach (var p in JsonSerializer.SerializeToElement(terms).EnumerateObject()) values[p.Name] = p.Value;
        var template = (await _merchant.CreateTemplateAsync(values)).Id();
        var joined = await _merchant.PutAsJsonAsync($"/api/v1/merchant/templates/{template}/budget", new { campaignId = long.Parse(campaign) });
        Assert.Equal(HttpStatusCode.OK, joined.StatusCode);
        return await app.AsUser(user).ClaimedCouponIdAsync(template);
    }

    private async Task<JsonElement> QuoteAsync(long user, long shippingFee, params object[] lines)
    {
        var response = await _service.PostAsJsonAsync("/api/v1/settlement/quotes", new { userId = user, currency = "CNY", shippingFee, lines });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private async Task<(long Spent, long Reserved, long Remaining)> BudgetOfAsync(string campaign)
    {
        var budget = (await (await _merchant.GetAsync($"/api/v1/merchant/campaigns/{campaign}")).JsonAsync()).GetProperty("budget");
        return (budget.GetProperty("spent").GetInt64(), budget.GetProperty("reserved").GetInt64(), budget.GetProperty("remaining").GetInt64());
    }

    private async Task<string> LockedAsync(string quoteId, int ttlSeconds = 900)
    {
        var order = Api.NewOrderId();
        var locked = await _service.PostAsJsonAsync($"/api/v1/orders/{order}/coupons/lock", new { quoteId, ttlSeconds });
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        return order;
    }

    private static string[] Applied(JsonElement quote) =>
        quote.GetProperty("applied").EnumerateArray().Select(c => c.Str("couponId")).Order().ToArray();

    [Fact]
    public async Task A_quote_does_not_combine_two_coupons_of_one_budget_beyond_what_remains_and_its_lock_succeeds()
    {
        var campaign = await CampaignAsync(budget: 3000);
        var user = EngineApp.NewId();
        var shoes = await CouponInAsync(campaign, user, new { scope = "SHOP", shopId = 501, type = "FIXED_AMOUNT", discountAmount = 2000 });
        var socks = await CouponInAsync(campaign, user, new { scope = "SHOP", shopId = 502, type = "FIXED_AMOUNT", discountAmount = 1500 });

        var quote = await QuoteAsync(user, 0,
            new { sku = "shoe", shopId = 501, unitPrice = 10_000, quantity = 1 },
            new { sku = "sock", shopId = 502, unitPrice = 10_000, quantity = 1 });

        Assert.Equal([shoes], Applied(quote)); // 20.00 + 15.00 is more than the 30.00 left: the larger alone
        Assert.Equal(2000, quote.GetProperty("totalDiscount").GetInt64());
        Assert.Contains(quote.GetProperty("usable").EnumerateArray(), c => c.Str("couponId") == socks);
        await LockedAsync(quote.Str("quoteId"));
        Assert.Equal((0L, 2000L, 1000L), await BudgetOfAsync(campaign));
        var picked = await _service.PostAsJsonAsync("/api/v1/settlement/quotes", new
        {
            userId = user, currency = "CNY", couponIds = new[] { long.Parse(shoes), long.Parse(socks) },
            lines = new object[] { new { sku = "shoe", shopId = 501, unitPrice = 10_000, quantity = 1 } },
        });
        Assert.NotEqual(HttpStatusCode.OK, picked.StatusCode); // the shoes' coupon is locked now: a pick of it is refused
    }

    [Fact]
    public async Task A_lock_that_lapses_gives_its_reservation_back()
    {
        var campaign = await CampaignAsync(budget: 5000);
        var user = EngineApp.NewId();
        await CouponInAsync(campaign, user, new { scope = "PLATFORM", type = "FIXED_AMOUNT", discountAmount = 2000 });
        var quote = await QuoteAsync(user, 0, new { sku = "shoe", shopId = 501, unitPrice = 10_000, quantity = 1 });
        await LockedAsync(quote.Str("quoteId"), ttlSeconds: 60);
        Assert.Equal((0L, 2000L, 3000L), await BudgetOfAsync(campaign));

        app.Clock.Advance(TimeSpan.FromSeconds(61));

        // The sweep runs on the app's own timer: moved on between looks, polled to a deadline.
        var after = await Polling.Eventually(() => BudgetOfAsync(campaign), b => b.Reserved == 0, Polling.Seconds(20),
            "the lapsed lock's reservation freed", every: TimeSpan.FromMilliseconds(50), between: () => app.Clock.Advance(TimeSpan.FromSeconds(5)));
        Assert.Equal((0L, 0L, 5000L), after);
    }

    /// <summary>
    /// "20.00 off from 200.00" (platform) and shop 502's "3.00 off", both on the campaign. Shoes 2 × 90.00 (shop 501), socks 20.00
    /// (shop 502): the 20.00 splits 18.00 / 2.00, the socks' coupon takes 3.00. Spent: 23.00.
    /// </summary>
    [Fact]
    public async Task A_refund_by_lines_restores_what_the_settlement_returned_and_clawed_back()
    {
        var campaign = await CampaignAsync(budget: 10_000);
        var user = EngineApp.NewId();
        await CouponInAsync(campaign, user, new { scope = "PLATFORM", type = "THRESHOLD", discountAmount = 2000, thresholdAmount = 20_000 });
        await CouponInAsync(campaign, user, new { scope = "SHOP", shopId = 502, type = "FIXED_AMOUNT", discountAmount = 300 });
        var quote = await QuoteAsync(user, 600,
            new { sku = "shoe", shopId = 501, unitPrice = 9000, quantity = 2 }, new { sku = "sock", shopId = 502, unitPrice = 2000, quantity = 1 });
        Assert.Equal(2300, quote.GetProperty("totalDiscount").GetInt64());
        var order = await LockedAsync(quote.Str("quoteId"));
        Assert.Equal(HttpStatusCode.OK, (await _service.OrderAsync(order, "consume")).StatusCode);
        Assert.Equal((2300L, 0L, 7700L), await BudgetOfAsync(campaign));

        // One pair of shoes back: 9.00 of the 20.00 leaves with it and, 110.00 kept being below 200.00, its 11.00 on the kept units
        // is clawed back. The socks' coupon is untouched.
        var one = await RefundAsync(order, "r-1", ("shoe", 1));
        Assert.Equal(1100, one.GetProperty("refunded").GetProperty("clawback").GetInt64());
        Assert.Equal((300L, 0L, 9700L), await BudgetOfAsync(campaign));

        // The socks back: the 3.00 that left with them; the threshold coupon has nothing left to give.
        await RefundAsync(order, "r-2", ("sock", 1));
        Assert.Equal((0L, 0L, 10_000L), await BudgetOfAsync(campaign));

        // The last pair: the whole order is refunded; nothing is restored twice.
        await RefundAsync(order, "r-3", ("shoe", 1));
        Assert.Equal((0L, 0L, 10_000L), await BudgetOfAsync(campaign));
    }

    /// <summary>Fixed 20.00 off (no threshold): a refund returns only the share of the refunded units, nothing is clawed back.</summary>
    [Fact]
    public async Task A_refund_by_lines_without_claw_back_restores_only_the_refunded_units_share()
    {
        var campaign = await CampaignAsync(budget: 10_000);
        var user = EngineApp.NewId();
        await CouponInAsync(campaign, user, new { scope = "PLATFORM", type = "FIXED_AMOUNT", discountAmount = 2000 });
        var quote = await QuoteAsync(user, 0,
            new { sku = "shoe", shopId = 501, unitPrice = 9000, quantity = 2 }, new { sku = "sock", shopId = 502, unitPrice = 2000, quantity = 1 });
        var order = await LockedAsync(quote.Str("quoteId"));
        Assert.Equal(HttpStatusCode.OK, (await _service.OrderAsync(order, "consume")).StatusCode);

        var one = await RefundAsync(order, "r-1", ("shoe", 1)); // its share: 9.00 of the 18.00 on the shoes

        Assert.Equal(0, one.GetProperty("refunded").GetProperty("clawback").GetInt64());
        Assert.Equal((1100L, 0L, 8900L), await BudgetOfAsync(campaign));
    }

    private async Task<JsonElement> RefundAsync(string order, string refundId, params (string Sku, int Quantity)[] lines)
    {
        var response = await _service.PostAsJsonAsync($"/api/v1/settlement/orders/{order}/refunds",
            new { refundId, lines = lines.Select(l => new { sku = l.Sku, quantity = l.Quantity }).ToArray() });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }
}

public sealed class BudgetsThroughOrdersOnSqlite(SqliteApp app) : BudgetsThroughOrders(app), IClassFixture<SqliteApp>;

public sealed class BudgetsThroughOrdersOnMariaDb(MariaDbApp app) : BudgetsThroughOrders(app), IClassFixture<MariaDbApp>;
