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
        Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _), $"errors should name '{field}': {problem}");
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
            $$$"""{"eventId":"{{{Guid.NewGuid()}}}","type":"order-cancelled","payload":{"orderId":"o-1","orderId":"o-2","cancelledAt":"2026-01-01T00:00:00Z"}}"""));
        await AssertNamesAsync(orderEvent, HttpStatusCode.BadRequest, "MALFORMED_REQUEST", "payload.orderId");
    }
}

public sealed class StrictInputsOnSqlite(SqliteApp app) : StrictInputs(app), IClassFixture<SqliteApp>;

public sealed class StrictInputsOnMariaDb(MariaDbApp app) : StrictInputs(app), IClassFixture<MariaDbApp>;
