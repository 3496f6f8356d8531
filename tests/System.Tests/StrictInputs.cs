using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests;

/// <summary>What a client sends is taken exactly or refused: no member twice, no hidden characters, plain ids, real currencies.</summary>
public abstract class StrictInputs(EngineApp app)
{
    private readonly long _merchant = EngineApp.NewId();
    private HttpClient Merchant => app.AsMerchant(_merchant);
    private readonly HttpClient _service = app.AsService();

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task AssertNamesAsync(HttpResponseMessage response, HttpStatusCode status, string code, string field)
    {
        var problem = await response.AssertProblemAsync(status, code);
        Assert.True(
            problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _), $"errors should name '{field}': {problem}");
    }

    private string TemplateJson(string stockMembers) =>
        $$"""
        {"name":"dup","currency":"CNY","scope":"PLATFORM","type":"FIXED_AMOUNT","discountAmount":100,
         "validFrom":"{{app.Clock.GetUtcNow().AddMinutes(-1):O}}","validUntil":"{{app.Clock.GetUtcNow().AddDays(3):O}}",
         {{stockMembers}},"perUserLimit":1}
        """;

    [Fact]
    public async Task A_member_given_twice_is_refused_naming_it_and_nothing_is_created()
    {
        var response = await Merchant.PostAsync("/api/v1/merchant/templates", Json(TemplateJson("\"stock\":1000000000000,\"stock\":5")));

        await AssertNamesAsync(response, HttpStatusCode.BadRequest, "MALFORMED_REQUEST", "stock");
        Assert.Equal(0, (await (await Merchant.GetAsync("/api/v1/merchant/templates")).JsonAsync()).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_member_given_twice_inside_a_nested_object_or_a_patch_is_refused_too()
    {
        var template = await Merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow()));

        var patch = await Merchant.PatchAsync($"/api/v1/merchant/templates/{template.Id()}", Json("""{"name":"a","name":"b"}"""));
        await AssertNamesAsync(patch, HttpStatusCode.BadRequest, "MALFORMED_REQUEST", "name");

        var quote = await _service.PostAsync("/api/v1/settlement/quotes", Json(
            """{"userId":1,"currency":"CNY","lines":[{"sku":"a","shopId":1,"unitPrice":100,"quantity":1,"quantity":100000}]}"""));
        await AssertNamesAsync(quote, HttpStatusCode.BadRequest, "MALFORMED_REQUEST", "lines[0].quantity");

        var orderEvent = await _service.PostAsync("/api/v1/settlement/order-events", Json(
            $$$"""{"eventId":"{{{Guid.NewGuid()}}}","type":"order-cancelled","payload":""" +
            """{"orderId":"o-1","orderId":"o-2","cancelledAt":"2026-01-01T00:00:00Z"}}"""));
        await AssertNamesAsync(orderEvent, HttpStatusCode.BadRequest, "MALFORMED_REQUEST", "payload.orderId");
    }

    [Fact]
    public async Task Ids_in_routes_are_plain_digits_and_anything_else_is_no_route()
    {
        var template = (await Merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow()))).Id();
        Assert.Equal(HttpStatusCode.OK, (await Merchant.GetAsync($"/api/v1/merchant/templates/{template}")).StatusCode);

        foreach (var id in new[] { "+" + template, "%20" + template, template + "%20", "0x1F", "1e3" })
        {
            await (await Merchant.GetAsync($"/api/v1/merchant/templates/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
            await (await Merchant.PostAsync($"/api/v1/merchant/templates/{id}/terminate", null)).AssertProblemAsync(
                HttpStatusCode.NotFound, "NOT_FOUND");
        }
        await (await app.AsUser(EngineApp.NewId()).GetAsync("/api/v1/me/coupons/+1")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await (await app.AsUser(EngineApp.NewId()).GetAsync("/api/v1/me/reminders/+1")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await (await app.AsUser(EngineApp.NewId()).DeleteAsync("/api/v1/me/reminders/%201")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await (await Merchant.GetAsync("/api/v1/merchant/distribution-tasks/+1")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await (await Merchant.PostAsync("/api/v1/merchant/distribution-tasks/+1/pause", null)).AssertProblemAsync(
            HttpStatusCode.NotFound, "NOT_FOUND");
        await (await app.AsOperator().PostAsync("/api/v1/operator/dead-letters/+1/replay", null)).AssertProblemAsync(
            HttpStatusCode.NotFound, "NOT_FOUND");
        // Plain digits still reach the endpoint, which answers for itself.
        await (await Merchant.GetAsync("/api/v1/merchant/distribution-tasks/1")).AssertProblemAsync(
            HttpStatusCode.NotFound, "DISTRIBUTION_TASK_NOT_FOUND");
    }

    [Fact]
    public async Task A_query_value_that_cannot_bind_is_named()
    {
        await AssertNamesAsync(
            await Merchant.GetAsync("/api/v1/merchant/templates?limit=abc"), HttpStatusCode.BadRequest, "MALFORMED_REQUEST", "limit");
        await AssertNamesAsync(
            await app.AsUser(EngineApp.NewId()).GetAsync("/api/v1/me/coupons?limit=1.5"), HttpStatusCode.BadRequest, "MALFORMED_REQUEST", "limit");
        await AssertNamesAsync(
            await _service.GetAsync("/api/v1/search/templates?merchantId=x"), HttpStatusCode.BadRequest, "MALFORMED_REQUEST", "merchantId");
        await AssertNamesAsync(await app.AsOperator().PostAsync("/api/v1/operator/claim-counters/rebuild?templateId=seven", null),
            HttpStatusCode.BadRequest, "MALFORMED_REQUEST", "templateId");
    }

    [Fact]
    public async Task A_currency_is_an_active_iso_4217_code()
    {
        var template = new Dictionary<string, object?>
        {
            ["name"] = "x", ["currency"] = "XXX", ["scope"] = "PLATFORM", ["type"] = "FIXED_AMOUNT", ["discountAmount"] = 100,
            ["validFrom"] = app.Clock.GetUtcNow().AddMinutes(-1), ["validUntil"] = app.Clock.GetUtcNow()
                .AddDays(1), ["stock"] = 1, ["perUserLimit"] = 1,
        };
        foreach (var code in new[] { "XXX", "XTS", "ABC", "XAU" })
        {
            template["currency"] = code;
            await AssertNamesAsync(
                await Merchant.PostAsJsonAsync("/api/v1/merchant/templates", template), HttpStatusCode.BadRequest, "VALIDATION_FAILED", "currency");
        }
        template["currency"] = "JPY";
        Assert.Equal(HttpStatusCode.Created, (await Merchant.PostAsJsonAsync("/api/v1/merchant/templates", template)).StatusCode);

        var quote = await _service.PostAsJsonAsync("/api/v1/settlement/quotes",
            new { userId = 1, currency = "XXX", lines = new[] { new { sku = "a", shopId = 1, unitPrice = 100, quantity = 1 } } });
        await AssertNamesAsync(quote, HttpStatusCode.BadRequest, "VALIDATION_FAILED", "currency");

        var orderEvent = await _service.PostAsJsonAsync("/api/v1/settlement/order-events", new
        {
            eventId = Guid.NewGuid(), type = "order-created",
            payload = new { orderId = Api.NewOrderId(), userId = 1, currency = "XXX", createdAt = app.Clock.GetUtcNow() },
        });
        await AssertNamesAsync(orderEvent, HttpStatusCode.BadRequest, "VALIDATION_FAILED", "payload.currency");
    }

    [Fact]
    public async Task A_quote_names_each_sku_once()
    {
        var quote = await _service.PostAsJsonAsync("/api/v1/settlement/quotes", new
        {
            userId = 1, currency = "CNY",
            lines = new[]
            {
                new { sku = "a", shopId = 1, unitPrice = 100, quantity = 1 },
                new { sku = "a", shopId = 1, unitPrice = 100, quantity = 2 },
            },
        });
        await AssertNamesAsync(quote, HttpStatusCode.BadRequest, "VALIDATION_FAILED", "lines[1].sku");
    }

    public static TheoryData<string> HiddenCharacters => new()
    {
        "nul\u0000byte", "esc\u001b[31mred", "two\r\nlines", "bell\u0007", "del\u007f", "c1\u009bcsi", "\u202Eevil.exe", "iso\u2066late\u2069",
        "mark\u200F",
    };

    [Theory]
    [MemberData(nameof(HiddenCharacters))]
    public async Task A_template_name_with_control_or_bidi_characters_is_refused_naming_it(string name)
    {
        var created = await Merchant.PostAsJsonAsync("/api/v1/merchant/templates", Api.ATemplate(app.Clock.GetUtcNow(), name: name));
        await AssertNamesAsync(created, HttpStatusCode.BadRequest, "VALIDATION_FAILED", "name");

        var template = await Merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow()));
        var patched = await Merchant.PatchAsJsonAsync($"/api/v1/merchant/templates/{template.Id()}", new { name });
        await AssertNamesAsync(patched, HttpStatusCode.BadRequest, "VALIDATION_FAILED", "name");
        var described = await Merchant.PatchAsJsonAsync($"/api/v1/merchant/templates/{template.Id()}", new { description = "ok " + name });
        if (name.Contains("\r\n")) Assert.Equal(HttpStatusCode.OK, described.StatusCode); // a description keeps its line breaks
        else await AssertNamesAsync(described, HttpStatusCode.BadRequest, "VALIDATION_FAILED", "description");
        Assert.Equal("Spend 100 take 10", (await (await Merchant.GetAsync($"/api/v1/merchant/templates/{template.Id()}")).JsonAsync()).Str("name"));
    }

    [Fact]
    public async Task A_description_keeps_line_breaks_and_tabs_but_not_other_controls()
    {
        var template = Api.ATemplate(app.Clock.GetUtcNow());
        var body = JsonSerializer.SerializeToElement(template).EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value);
        body["description"] = "Line one\nLine two\r\n\tindented";
        var created = await (await Merchant.PostAsJsonAsync("/api/v1/merchant/templates", body)).JsonAsync();
        Assert.Equal("Line one\nLine two\r\n\tindented", created.Str("description"));

        body["description"] = "lone\rreturn";
        await AssertNamesAsync(
            await Merchant.PostAsJsonAsync("/api/v1/merchant/templates", body), HttpStatusCode.BadRequest, "VALIDATION_FAILED", "description");
        body["description"] = "form\ffeed";
        await AssertNamesAsync(
            await Merchant.PostAsJsonAsync("/api/v1/merchant/templates", body), HttpStatusCode.BadRequest, "VALIDATION_FAILED", "description");
    }

    [Fact]
    public async Task Every_other_free_text_field_refuses_hidden_characters_too()
    {
        var template = (await Merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow()))).Id();
        var task = await Merchant.PostAsync("/api/v1/merchant/distribution-tasks",
            Distributions.Form(template, Distributions.CsvOfUsers([EngineApp.NewId()]), name: "push\u202Egnp.exe"));
        await AssertNamesAsync(task, HttpStatusCode.BadRequest, "VALIDATION_FAILED", "name");

        var quote = await _service.PostAsJsonAsync("/api/v1/settlement/quotes",
            new { userId = 1, currency = "CNY", lines = new[] { new { sku = "sku\u0000", shopId = 1, unitPrice = 100, quantity = 1 } } });
        await AssertNamesAsync(quote, HttpStatusCode.BadRequest, "VALIDATION_FAILED", "lines[0].sku");

        var refund = await _service.PostAsJsonAsync($"/api/v1/settlement/orders/{Api.NewOrderId()}/refunds", new { refundId = "r\u001b[2J" });
        await AssertNamesAsync(refund, HttpStatusCode.BadRequest, "VALIDATION_FAILED", "refundId");
        var refundLines = await _service.PostAsJsonAsync($"/api/v1/settlement/orders/{Api.NewOrderId()}/refunds",
            new { refundId = "r-1", lines = new[] { new { sku = "\u202Ea", quantity = 1 } } });
        await AssertNamesAsync(refundLines, HttpStatusCode.BadRequest, "VALIDATION_FAILED", "lines");

        var locked = await _service.PostAsJsonAsync($"/api/v1/orders/{Api.NewOrderId()}/coupons/lock", new { quoteId = "q_\u0000", ttlSeconds = 60 });
        await AssertNamesAsync(locked, HttpStatusCode.BadRequest, "VALIDATION_FAILED", "quoteId");

        async Task EventAsync(string type, object payload, string field) => await AssertNamesAsync(
            await _service.PostAsJsonAsync("/api/v1/settlement/order-events", new { eventId = Guid.NewGuid(), type, payload }),
            HttpStatusCode.BadRequest, "VALIDATION_FAILED", field);
        var order = Api.NewOrderId();
        var now = app.Clock.GetUtcNow();
        await EventAsync(
            "payment-failed", new { orderId = order, paymentId = "p-1", reason = "declined\u001b[0m", failedAt = now }, "payload.reason");
        await EventAsync("order-cancelled", new { orderId = order, reason = "\u2067x", cancelledAt = now }, "payload.reason");
        await EventAsync(
            "payment-succeeded", new { orderId = order, paymentId = "p\r\n1", amount = 1, currency = "CNY", paidAt = now }, "payload.paymentId");
        await EventAsync(
            "order-created", new { orderId = order, userId = 1, currency = "CNY", quoteId = "q\u202E", createdAt = now }, "payload.quoteId");
        await EventAsync("refund-succeeded", new { orderId = order, refundId = "r\u0085", amount = 0, refundedAt = now }, "payload.refundId");
        await EventAsync(
            "refund-succeeded",
            new { orderId = order, refundId = "r", lines = new[] { new { sku = "a\u200E", quantity = 1 } }, amount = 0, refundedAt = now },
            "payload.lines");
    }
}

public sealed class StrictInputsOnSqlite(SqliteApp app) : StrictInputs(app), IClassFixture<SqliteApp>;

public sealed class StrictInputsOnMariaDb(MariaDbApp app) : StrictInputs(app), IClassFixture<MariaDbApp>;
