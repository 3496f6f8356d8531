using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PromotionEngine.System.Tests.Infrastructure;
using PromotionEngine.System.Tests.Messaging;
using PromotionEngine.System.Tests.Settlement;

namespace PromotionEngine.System.Tests.Kinds;

/// <summary>买二送一 (buy 2 get 1 free) over HTTP on every store: created, answered, audited, listed by type, refused, and quoted.</summary>
public abstract class BuyXGetYTemplates(EngineApp app)
{
    private readonly long _merchant = EngineApp.NewId();
    private HttpClient Merchant => app.AsMerchant(_merchant);

    internal static Dictionary<string, object?> BuyTwoGetOneFree(EngineApp app)
    {
        var now = app.Clock.GetUtcNow();
        return new Dictionary<string, object?>
        {
            ["name"] = "买二送一 T-shirts", ["currency"] = "CNY", ["scope"] = "PRODUCTS", ["productIds"] = new[] { 31, 32 },
            ["type"] = "BUY_X_GET_Y", ["buyQuantity"] = 2, ["getQuantity"] = 1, ["percentOff"] = 10_000,
            ["validFrom"] = now.AddMinutes(-1), ["validUntil"] = now.AddDays(30), ["stock"] = 100, ["perUserLimit"] = 5,
        };
    }

    [Fact]
    public async Task A_buy_x_get_y_template_is_stored_answered_audited_and_listed_by_its_type()
    {
        var created = await Merchant.CreateTemplateAsync(BuyTwoGetOneFree(app));
        var url = $"/api/v1/merchant/templates/{created.Id()}";

        var read = await (await Merchant.GetAsync(url)).JsonAsync();
        Assert.Equal(("BUY_X_GET_Y", 2, 1, 10_000), (read.Str("type"), read.GetProperty("buyQuantity").GetInt32(),
            read.GetProperty("getQuantity").GetInt32(), read.GetProperty("percentOff").GetInt32()));
        Assert.Equal(JsonValueKind.Null, read.GetProperty("maxDiscountAmount").ValueKind);

        var after = (await (await Merchant.GetAsync(url + "/history")).JsonAsync()).GetProperty("items")[0].GetProperty("after");
        Assert.Equal((2, 1), (after.GetProperty("buyQuantity").GetInt32(), after.GetProperty("getQuantity").GetInt32()));

        var listed = await (await Merchant.GetAsync("/api/v1/merchant/templates?type=BUY_X_GET_Y")).JsonAsync();
        Assert.Equal([created.Id()], listed.GetProperty("items").EnumerateArray().Select(t => t.Id()));

        var immutable = await (await Merchant.PatchAsJsonAsync(url, new { getQuantity = 2 })).AssertProblemAsync(
            HttpStatusCode.UnprocessableEntity, "TEMPLATE_FIELD_IMMUTABLE");
        Assert.Equal(["getQuantity"], immutable.GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Its_faults_are_named_by_field_and_nothing_is_stored()
    {
        var request = BuyTwoGetOneFree(app);
        request["scope"] = "PLATFORM";
        request["productIds"] = null;
        request["getQuantity"] = null;
        request["thresholdAmount"] = 100_00;

        var problem = await (await Merchant.PostAsJsonAsync("/api/v1/merchant/templates", request))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");

        Assert.Equal(["getQuantity", "scope", "thresholdAmount"],
            problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(0, (await (await Merchant.GetAsync("/api/v1/merchant/templates")).JsonAsync()).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_quote_takes_the_cheapest_unit_off_or_says_how_many_more_items_earn_it()
    {
        var userId = EngineApp.NewId();
        var coupon = await app.AsUser(userId).ClaimedCouponIdAsync((await Merchant.CreateTemplateAsync(BuyTwoGetOneFree(app))).Id());

        async Task<JsonElement> QuoteAsync(params object[] lines) => await (await app.AsService().PostAsJsonAsync(
            "/api/v1/settlement/quotes", new { userId, currency = "CNY", lines })).JsonAsync();

        var two = await QuoteAsync(new { sku = "tee-white", productId = 31, shopId = 501, unitPrice = 8000, quantity = 2 });
        var shortOf = Assert.Single(two.GetProperty("unusable").EnumerateArray());
        Assert.Equal(("BELOW_QUANTITY", 1L, "Add 1 more item to get 1 free."),
            (shortOf.Str("reason"), shortOf.GetProperty("shortfallItems").GetInt64(), shortOf.Str("detail")));

        var four = await QuoteAsync(new { sku = "tee-white", productId = 31, shopId = 501, unitPrice = 8000, quantity = 3 },
            new { sku = "tee-kids", productId = 32, shopId = 501, unitPrice = 5000, quantity = 1 },
            new { sku = "cap", productId = 77, shopId = 501, unitPrice = 1000, quantity = 1 });
        var applied = Assert.Single(four.GetProperty("applied").EnumerateArray());
        Assert.Equal((coupon, "BUY_X_GET_Y", 5000L), (applied.Str("couponId"), applied.Str("type"), applied.GetProperty("discount").GetInt64()));
        Assert.Equal([0L, 5000, 0], four.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("discount").GetInt64()));
        var next = Assert.Single(four.GetProperty("usable").EnumerateArray()).GetProperty("nextGroup");
        Assert.Equal((2L, 1, "Add 2 more items to get 1 more free."),
            (next.GetProperty("shortfallItems").GetInt64(), next.GetProperty("getQuantity").GetInt32(), next.Str("message")));
    }
}

public sealed class BuyXGetYTemplatesOnSqlite(SqliteApp app) : BuyXGetYTemplates(app), IClassFixture<SqliteApp>;

public sealed class BuyXGetYTemplatesOnMariaDb(MariaDbApp app) : BuyXGetYTemplates(app), IClassFixture<MariaDbApp>;

/// <summary>
/// An order paid with a 买二送一 coupon, refunded a unit at a time over the order events (docs/settlement.md, worked example): a
/// refund that leaves a whole group keeps the free unit free, the next one claws its discount back, the rest restores the coupon.
/// </summary>
public abstract class RefundingABuyXGetYOrder(BackboneApp fixture) : IAsyncLifetime
{
    private readonly EngineApp _app = fixture.App;
    private readonly OrderSystem _orders = OrderSystem.For(fixture.App);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _orders.DisposeAsync().AsTask();

    [Fact]
    public async Task The_free_unit_stays_free_while_its_group_is_kept_and_is_clawed_back_once_it_breaks()
    {
        var template = (await _app.AsMerchant(EngineApp.NewId()).CreateTemplateAsync(BuyXGetYTemplates.BuyTwoGetOneFree(_app))).Id();
        var user = EngineApp.NewId();
        await _app.AsUser(user).ClaimedCouponIdAsync(template);
        var quote = await (await _app.AsService().PostAsJsonAsync("/api/v1/settlement/quotes", new
        {
            userId = user, currency = "CNY",
            lines = new object[]
            {
                new { sku = "tee-white", productId = 31, shopId = 501, unitPrice = 8000, quantity = 3 },
                new { sku = "tee-kids", productId = 32, shopId = 501, unitPrice = 5000, quantity = 1 },
            },
        })).JsonAsync();
        Assert.Equal((5000L, 24_000L), (quote.GetProperty("totalDiscount").GetInt64(), quote.GetProperty("payable").GetInt64()));
        var order = Api.NewOrderId();
        await _orders.CreatedAsync(order, user, quote.Str("quoteId"));
        await _orders.PaidAsync(order, 24_000);
        await _orders.RecordAsync(order, r => r.Str("state") == "CONSUMED");

        await _orders.RefundedAsync(order, "r-1", 8000, ("tee-white", 1));
        var first = (await _orders.RecordAsync(order, r => r.GetProperty("refunds").GetArrayLength() == 1)).GetProperty("refunded");
        Assert.Equal((8000L, 0L, 8000L), (first.GetProperty("goods").GetInt64(), first.GetProperty("clawback").GetInt64(),
            first.GetProperty("paidOut").GetInt64()));

        await _orders.RefundedAsync(order, "r-2", 3000, ("tee-white", 1));
        var second = (await _orders.RecordAsync(order, r => r.GetProperty("refunds").GetArrayLength() == 2)).GetProperty("refunded");
        Assert.Equal((16_000L, 5000L, 11_000L), (second.GetProperty("goods").GetInt64(), second.GetProperty("clawback").GetInt64(),
            second.GetProperty("paidOut").GetInt64()));

        await _orders.RefundedAsync(order, "r-3", 13_000);
        var whole = await _orders.RecordAsync(order, r => r.GetProperty("refunds").GetArrayLength() == 3);
        Assert.Equal(("REFUNDED", 24_000L), (whole.Str("state"), whole.GetProperty("refunded").GetProperty("paidOut").GetInt64()));
    }
}

public sealed class RefundingABuyXGetYOrderOnSqlite(SqliteBackbone app) : RefundingABuyXGetYOrder(app), IClassFixture<SqliteBackbone>;

public sealed class RefundingABuyXGetYOrderOnMariaDb(MariaDbBackbone app) : RefundingABuyXGetYOrder(app), IClassFixture<MariaDbBackbone>;
