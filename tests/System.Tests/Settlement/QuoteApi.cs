using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Settlement;

/// <summary>POST /api/v1/settlement/quotes over HTTP: the wallet explained, the best combination, the allocation, the same answer twice.</summary>
public abstract class QuoteApi(EngineApp app)
{
    private readonly HttpClient _merchant = app.AsMerchant(EngineApp.NewId());
    private readonly HttpClient _service = app.AsService();

    private async Task<string> TemplateAsync(object overrides)
    {
        var now = app.Clock.GetUtcNow();
        var template = new Dictionary<string, object?>
        {
            ["name"] = "quote test", ["currency"] = "CNY", ["scope"] = "PLATFORM", ["type"] = "FIXED_AMOUNT", ["discountAmount"] = 500,
            ["validFrom"] = now.AddMinutes(-1), ["validUntil"] = now.AddDays(30), ["stock"] = 100, ["perUserLimit"] = 5,
        };
        foreach (var p in JsonSerializer.SerializeToElement(overrides).EnumerateObject()) template[p.Name] = p.Value;
        return (await _merchant.CreateTemplateAsync(template)).Id();
    }

    private static object Cart(long user, IEnumerable<long>? couponIds = null) => new
    {
        userId = user,
        currency = "CNY",
        lines = new object[]
        {
            new { sku = "shoe-1", productId = 9001, shopId = 501, categoryIds = new[] { 31 }, unitPrice = 20_000, quantity = 1 },
            new { sku = "sock-1", productId = 9002, shopId = 502, categoryIds = new[] { 32 }, unitPrice = 1500, quantity = 2 },
        },
        shippingFee = 800,
        couponIds,
    };

    [Fact]
    public async Task A_quote_explains_every_coupon_and_picks_the_best_combination()
    {
        var userId = EngineApp.NewId();
        var user = app.AsUser(userId);
        var platform = await user.ClaimedCouponIdAsync(
            await TemplateAsync(new { type = "THRESHOLD", discountAmount = 2000, thresholdAmount = 20_000 }));
        var smallPlatform = await user.ClaimedCouponIdAsync(await TemplateAsync(new { discountAmount = 300 }));
        var shop = await user.ClaimedCouponIdAsync(
            await TemplateAsync(new { scope = "SHOP", shopId = 501, type = "PERCENTAGE", percentOff = 1000, discountAmount = (int?)null }));
        var tooDear = await user.ClaimedCouponIdAsync(
            await TemplateAsync(new { scope = "SHOP", shopId = 502, type = "THRESHOLD", discountAmount = 500, thresholdAmount = 4200 }));
        var elsewhere = await user.ClaimedCouponIdAsync(await TemplateAsync(new { scope = "SHOP", shopId = 999 }));
        var dollars = await user.ClaimedCouponIdAsync(await TemplateAsync(new { currency = "USD" }));

        var response = await _service.PostAsJsonAsync("/api/v1/settlement/quotes", Cart(userId));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var quote = await response.JsonAsync();

        // 20.00 off (threshold 200.00 met by 230.00), then 10 % of what is left of shop 501's 200.00.
        Assert.Equal(23_000, quote.GetProperty("subtotal").GetInt64());
        var applied = quote.GetProperty("applied").EnumerateArray().ToList();
        Assert.Equal([platform, shop], applied.Select(a => a.Str("couponId")));
        var platformShareOnShoes = 2000L * 20_000 / 23_000; // 1739.13 -> 1739, the unit left goes to the larger remainder
        Assert.Equal(2000, applied[0].GetProperty("discount").GetInt64());
        Assert.Equal((20_000 - platformShareOnShoes - 1) / 10, applied[1].GetProperty("discount").GetInt64());
        var total = quote.GetProperty("totalDiscount").GetInt64();
        Assert.Equal(total, quote.GetProperty("lines").EnumerateArray().Sum(l => l.GetProperty("discount").GetInt64()));
        Assert.Equal(23_000 - total + 800, quote.GetProperty("payable").GetInt64());
        Assert.Equal("BEST", quote.Str("selection"));

        var unusable = quote.GetProperty("unusable").EnumerateArray().ToDictionary(u => u.Str("couponId"));
        Assert.Equal("NOT_COMBINABLE", unusable[smallPlatform].Str("reason"));
        Assert.Equal([platform], unusable[smallPlatform].GetProperty("blockedBy").EnumerateArray().Select(b => b.GetString()));
        Assert.Equal(("BELOW_THRESHOLD", 1200L), (unusable[tooDear].Str("reason"), unusable[tooDear].GetProperty("shortfall").GetInt64()));
        Assert.Equal("Spend 12.00 CNY more.", unusable[tooDear].Str("detail"));
        Assert.Equal("SCOPE_MISMATCH", unusable[elsewhere].Str("reason"));
        Assert.Equal("CURRENCY_MISMATCH", unusable[dollars].Str("reason"));
    }

    [Fact]
    public async Task The_same_input_gets_the_same_quote_and_a_changed_wallet_a_new_one()
    {
        var userId = EngineApp.NewId();
        var user = app.AsUser(userId);
        var coupon = await user.ClaimedCouponIdAsync(await TemplateAsync(new { discountAmount = 700 }));

        var first = await (await _service.PostAsJsonAsync("/api/v1/settlement/quotes", Cart(userId))).JsonAsync();
        app.Clock.Advance(TimeSpan.FromSeconds(30));
        var again = await (await _service.PostAsJsonAsync("/api/v1/settlement/quotes", Cart(userId))).JsonAsync();

        Assert.Equal(first.GetRawText(), again.GetRawText());
        Assert.Equal(700, first.GetProperty("totalDiscount").GetInt64());

        await user.ClaimedCouponIdAsync(await TemplateAsync(new { discountAmount = 900 }));
        var changed = await (await _service.PostAsJsonAsync("/api/v1/settlement/quotes", Cart(userId))).JsonAsync();
        Assert.NotEqual(first.Str("quoteId"), changed.Str("quoteId"));
        Assert.Equal(900, changed.GetProperty("totalDiscount").GetInt64());

        var locked = await _service.LockAsync(Api.NewOrderId(), userId, [coupon]);
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        var afterLock = await (await _service.PostAsJsonAsync("/api/v1/settlement/quotes", Cart(userId))).JsonAsync();
        Assert.Equal("LOCKED", afterLock.GetProperty("unusable").EnumerateArray().Single(u => u.Str("couponId") == coupon).Str("reason"));
    }

    [Fact]
    public async Task A_pick_is_priced_as_picked_or_refused_with_each_coupon_s_reason()
    {
        var userId = EngineApp.NewId();
        var user = app.AsUser(userId);
        var big = await user.ClaimedCouponIdAsync(await TemplateAsync(new { discountAmount = 1500 }));
        var small = await user.ClaimedCouponIdAsync(await TemplateAsync(new { discountAmount = 400 }));

        var picked = await (await _service.PostAsJsonAsync("/api/v1/settlement/quotes", Cart(userId, [long.Parse(small)]))).JsonAsync();
        Assert.Equal(("PICKED", 400L), (picked.Str("selection"), picked.GetProperty("totalDiscount").GetInt64()));

        var refused = await _service.PostAsJsonAsync("/api/v1/settlement/quotes", Cart(userId, [long.Parse(small), long.Parse(big)]));
        var problem = await refused.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "QUOTE_PICK_INVALID");
        Assert.All(problem.GetProperty("coupons").EnumerateArray(), c => Assert.Equal("NOT_COMBINABLE", c.Str("reason")));
    }

    [Fact]
    public async Task An_exclusive_coupon_stands_alone()
    {
        var userId = EngineApp.NewId();
        var user = app.AsUser(userId);
        var exclusive = await user.ClaimedCouponIdAsync(await TemplateAsync(new { discountAmount = 3000, exclusive = true, priority = 3 }));
        var other = await user.ClaimedCouponIdAsync(await TemplateAsync(new { scope = "SHOP", shopId = 501, discountAmount = 1000 }));

        var quote = await (await _service.PostAsJsonAsync("/api/v1/settlement/quotes", Cart(userId))).JsonAsync();

        Assert.Equal([exclusive], quote.GetProperty("applied").EnumerateArray().Select(a => a.Str("couponId")));
        var blocked = quote.GetProperty("unusable").EnumerateArray().Single(u => u.Str("couponId") == other);
        Assert.Equal([exclusive], blocked.GetProperty("blockedBy").EnumerateArray().Select(b => b.GetString()));
    }

    private Task<HttpResponseMessage> LockQuoteAsync(string order, string quoteId, long? userId = null) =>
        _service.PostAsJsonAsync($"/api/v1/orders/{order}/coupons/lock", new { quoteId, userId, ttlSeconds = 900 });

    [Fact]
    public async Task Locking_with_a_quote_id_locks_the_coupons_it_selected()
    {
        var userId = EngineApp.NewId();
        var user = app.AsUser(userId);
        var platform = await user.ClaimedCouponIdAsync(await TemplateAsync(new { discountAmount = 1000 }));
        var shop = await user.ClaimedCouponIdAsync(await TemplateAsync(new { scope = "SHOP", shopId = 502, discountAmount = 200 }));
        var quote = await (await _service.PostAsJsonAsync("/api/v1/settlement/quotes", Cart(userId))).JsonAsync();
        var order = Api.NewOrderId();

        var locked = await LockQuoteAsync(order, quote.Str("quoteId"));
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        var coupons = (await locked.JsonAsync()).GetProperty("coupons").EnumerateArray().ToList();
        Assert.Equal(new[] { platform, shop }.Order(), coupons.Select(c => c.Id()).Order());
        Assert.All(coupons, c => Assert.Equal(("LOCKED", order), (c.Str("status"), c.Str("orderId"))));

        // A repeat is answered the same; consume goes on as for any lock.
        Assert.Equal(HttpStatusCode.OK, (await LockQuoteAsync(order, quote.Str("quoteId"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _service.OrderAsync(order, "consume")).StatusCode);
    }

    [Fact]
    public async Task A_quote_whose_coupon_was_taken_meanwhile_no_longer_holds()
    {
        var userId = EngineApp.NewId();
        var user = app.AsUser(userId);
        var coupon = await user.ClaimedCouponIdAsync(await TemplateAsync(new { discountAmount = 1000 }));
        var quote = (await (await _service.PostAsJsonAsync("/api/v1/settlement/quotes", Cart(userId))).JsonAsync()).Str("quoteId");
        Assert.Equal(HttpStatusCode.OK, (await _service.LockAsync(Api.NewOrderId(), userId, [coupon])).StatusCode); // another order took it

        var refused = await LockQuoteAsync(Api.NewOrderId(), quote);

        var problem = await refused.AssertProblemAsync(HttpStatusCode.Conflict, "QUOTE_NO_LONGER_HOLDS");
        Assert.Equal("HELD_BY_ANOTHER_ORDER", problem.GetProperty("coupons")[0].Str("reason"));
    }

    [Fact]
    public async Task An_expired_unknown_or_another_user_s_quote_is_refused()
    {
        var userId = EngineApp.NewId();
        await app.AsUser(userId).ClaimedCouponIdAsync(await TemplateAsync(new { discountAmount = 1000 }));
        var quote = (await (await _service.PostAsJsonAsync("/api/v1/settlement/quotes", Cart(userId))).JsonAsync()).Str("quoteId");

        await (await LockQuoteAsync(Api.NewOrderId(), quote, userId + 1)).AssertProblemAsync(HttpStatusCode.Conflict, "QUOTE_USER_MISMATCH");
        await (await LockQuoteAsync(Api.NewOrderId(), "q_nope")).AssertProblemAsync(HttpStatusCode.NotFound, "QUOTE_NOT_FOUND");
        app.Clock.Advance(TimeSpan.FromMinutes(16));
        await (await LockQuoteAsync(Api.NewOrderId(), quote)).AssertProblemAsync(HttpStatusCode.Conflict, "QUOTE_EXPIRED");
    }

    [Fact]
    public async Task Bad_input_is_refused_field_by_field_and_only_services_may_quote()
    {
        var bad = await _service.PostAsJsonAsync("/api/v1/settlement/quotes", new
        {
            userId = 0, currency = "cny", lines = new object[] { new { sku = "", shopId = 0, unitPrice = -1, quantity = 0 } },
        });
        var problem = await bad.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        var fields = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToHashSet();
        Assert.Superset(
            new HashSet<string> { "userId", "currency", "lines[0].sku", "lines[0].shopId", "lines[0].unitPrice", "lines[0].quantity" }, fields);

        var asUser = await app.AsUser(1).PostAsJsonAsync("/api/v1/settlement/quotes", Cart(1));
        Assert.Equal(HttpStatusCode.Forbidden, asUser.StatusCode);
    }
}

public sealed class QuoteApiOnSqlite(SqliteApp app) : QuoteApi(app), IClassFixture<SqliteApp>;

public sealed class QuoteApiOnMariaDb(MariaDbApp app) : QuoteApi(app), IClassFixture<MariaDbApp>;
