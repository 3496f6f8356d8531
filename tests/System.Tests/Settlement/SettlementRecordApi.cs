using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Settlement;

/// <summary>
/// The settlement record over HTTP when the order system drives the engine's verbs itself, and refunds by line through
/// POST /api/v1/settlement/orders/{orderId}/refunds: the same record and the same policy as the saga's.
/// </summary>
public abstract class SettlementRecordApi(EngineApp app)
{
    private readonly HttpClient _merchant = app.AsMerchant(EngineApp.NewId());
    private readonly HttpClient _service = app.AsService();

    /// <summary>
    /// Two platform coupons: "20.00 off from 200.00" and shop 502's "3.00 off". Cart: 2 pairs of shoes at 90.00 (shop 501), socks
    /// 20.00 (shop 502), shipping 6.00. The 20.00 splits 18.00 / 2.00; the socks' coupon then takes 3.00 of the 18.00 left.
    /// </summary>
    private async Task<(long User, string[] Coupons, JsonElement Quote)> QuotedAsync()
    {
        var now = app.Clock.GetUtcNow();
        async Task<string> TemplateAsync(object scope) => (await _merchant.CreateTemplateAsync(Merge(new Dictionary<string, object?>
        {
            ["name"] = "record test", ["currency"] = "CNY", ["validFrom"] = now.AddMinutes(-1), ["validUntil"] = now.AddDays(30),
            ["stock"] = 10, ["perUserLimit"] = 1,
        }, scope))).Id();
        var user = EngineApp.NewId();
        var client = app.AsUser(user);
        var threshold = await client.ClaimedCouponIdAsync(
            await TemplateAsync(new { scope = "PLATFORM", type = "THRESHOLD", discountAmount = 2000, thresholdAmount = 20_000 }));
        var socks = await client.ClaimedCouponIdAsync(
            await TemplateAsync(new { scope = "SHOP", shopId = 502, type = "FIXED_AMOUNT", discountAmount = 300 }));
        var quote = await (await _service.PostAsJsonAsync("/api/v1/settlement/quotes", new
        {
            userId = user, currency = "CNY", shippingFee = 600,
            lines = new object[]
            {
                new { sku = "shoe", shopId = 501, unitPrice = 9000, quantity = 2 },
                new { sku = "sock", shopId = 502, unitPrice = 2000, quantity = 1 },
            },
        })).JsonAsync();
        Assert.Equal(2300, quote.GetProperty("totalDiscount").GetInt64());
        return (user, [threshold, socks], quote);
    }

    private static Dictionary<string, object?> Merge(Dictionary<string, object?> values, object more)
    {
        foreach (var p in JsonSerializer.SerializeToElement(more).EnumerateObject()) values[p.Name] = p.Value;
        return values;
    }

    private Task<HttpResponseMessage> RefundAsync(string order, string refundId, params (string Sku, int Quantity)[] lines) =>
        _service.PostAsJsonAsync($"/api/v1/settlement/orders/{order}/refunds",
            new { refundId, lines = lines.Length == 0 ? null : lines.Select(l => new { sku = l.Sku, quantity = l.Quantity }).ToArray() });

    private async Task<string> PaidOrderAsync(string quoteId)
    {
        var order = Api.NewOrderId();
        Assert.Equal(
            HttpStatusCode.OK,
            (await _service.PostAsJsonAsync($"/api/v1/orders/{order}/coupons/lock", new { quoteId, ttlSeconds = 900 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _service.OrderAsync(order, "consume")).StatusCode);
        return order;
    }

    [Fact]
    public async Task The_engine_s_verbs_feed_the_record_and_refunds_by_line_follow_the_pinned_allocation()
    {
        var (user, coupons, quote) = await QuotedAsync();
        var order = await PaidOrderAsync(quote.Str("quoteId"));

        var record = await (await _service.GetAsync($"/api/v1/settlement/orders/{order}")).JsonAsync();
        Assert.Equal("CONSUMED", record.Str("state"));
        Assert.Equal(coupons.Order(), record.GetProperty("couponIds").EnumerateArray().Select(c => c.GetString()!).Order());
        Assert.Equal(
            [("LOCK", "HTTP"), ("CONSUME", "HTTP")], record.GetProperty("history").EnumerateArray().Select(s => (s.Str("step"), s.Str("source"))));
        Assert.Equal(2300, record.GetProperty("discount").GetProperty("consumed").GetInt64());

        // One pair of shoes back: paid 90.00 - 9.00 (half the 18.00 share). 90.00 + 20.00 kept is below 200.00: the 20.00
        // coupon's share on what is kept (9.00 on the shoes, 2.00 on the socks) is clawed back.
        var one = await RefundAsync(order, "r-1", ("shoe", 1));
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        var refunded = (await one.JsonAsync()).GetProperty("refunded");
        Assert.Equal(
            (8100L, 1100L, 7000L),
            (refunded.GetProperty("goods").GetInt64(), refunded.GetProperty("clawback").GetInt64(), refunded.GetProperty("paidOut").GetInt64()));

        var again = await RefundAsync(order, "r-1", ("shoe", 1)); // the same refund: answered, nothing added
        Assert.Equal(7000, (await again.JsonAsync()).GetProperty("refunded").GetProperty("paidOut").GetInt64());
        await (await RefundAsync(order, "r-1", ("sock", 1))).AssertProblemAsync(HttpStatusCode.Conflict, "REFUND_ID_REUSED");
        await (await RefundAsync(order, "r-2", ("shoe", 2))).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "REFUND_EXCEEDS_ORDER");
        await (await RefundAsync(order, "r-2", ("hat", 1))).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "REFUND_LINE_UNKNOWN");
        var user1 = app.AsUser(user);
        foreach (var c in coupons) Assert.Equal("CONSUMED", (await user1.GetFromJsonAsync<JsonElement>($"/api/v1/me/coupons/{c}")).Str("status"));

        var rest = await RefundAsync(order, "r-3");
        var whole = await rest.JsonAsync();
        Assert.Equal("REFUNDED", whole.Str("state"));
        Assert.Equal(quote.GetProperty("payable").GetInt64(), whole.GetProperty("refunded").GetProperty("paidOut").GetInt64());
        Assert.Equal(0, whole.GetProperty("refunded").GetProperty("outstanding").GetInt64());
        foreach (var c in coupons) Assert.Equal("AVAILABLE", (await user1.GetFromJsonAsync<JsonElement>($"/api/v1/me/coupons/{c}")).Str("status"));
        await (await RefundAsync(order, "r-4")).AssertProblemAsync(HttpStatusCode.Conflict, "NOTHING_TO_REFUND");
    }

    [Fact]
    public async Task The_engine_s_refund_verb_is_the_whole_order_refunded()
    {
        var (_, _, quote) = await QuotedAsync();
        var order = await PaidOrderAsync(quote.Str("quoteId"));

        Assert.Equal(HttpStatusCode.OK, (await _service.OrderAsync(order, "refund")).StatusCode);

        var record = await (await _service.GetAsync($"/api/v1/settlement/orders/{order}")).JsonAsync();
        Assert.Equal("REFUNDED", record.Str("state"));
        Assert.Equal(quote.GetProperty("payable").GetInt64(), record.GetProperty("refunded").GetProperty("paidOut").GetInt64());
        Assert.Equal(2300, record.GetProperty("discount").GetProperty("restored").GetInt64());
    }

    [Fact]
    public async Task A_record_is_only_for_services_and_unknown_orders_or_bad_refunds_are_refused()
    {
        await (await _service.GetAsync($"/api/v1/settlement/orders/{Api.NewOrderId()}")).AssertProblemAsync(
            HttpStatusCode.NotFound, "SETTLEMENT_NOT_FOUND");
        Assert.Equal(HttpStatusCode.Forbidden, (await app.AsUser(1).GetAsync($"/api/v1/settlement/orders/{Api.NewOrderId()}")).StatusCode);
        var bad = await _service.PostAsJsonAsync(
            $"/api/v1/settlement/orders/{Api.NewOrderId()}/refunds", new { refundId = "", lines = new[] { new { sku = "a", quantity = 0 } } });
        await bad.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");

        var (user, coupons, _) = await QuotedAsync();
        var order = Api.NewOrderId();
        Assert.Equal(HttpStatusCode.OK, (await _service.LockAsync(order, user, coupons)).StatusCode);
        var locked = await (await _service.GetAsync($"/api/v1/settlement/orders/{order}")).JsonAsync();
        Assert.Equal(JsonValueKind.Null, locked.GetProperty("quoted").ValueKind); // locked without a quote: no allocation, amounts unknown
        await (await RefundAsync(order, "r-1")).AssertProblemAsync(HttpStatusCode.Conflict, "ORDER_NOT_CONSUMED");

        var ingest = await _service.PostAsJsonAsync(
            "/api/v1/settlement/order-events", new { eventId = Guid.NewGuid(), type = "order-shipped", payload = new { } });
        var problem = await ingest.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(problem.GetProperty("errors").TryGetProperty("type", out _));
    }
}

public sealed class SettlementRecordApiOnSqlite(SqliteApp app) : SettlementRecordApi(app), IClassFixture<SqliteApp>;

public sealed class SettlementRecordApiOnMariaDb(MariaDbApp app) : SettlementRecordApi(app), IClassFixture<MariaDbApp>;
