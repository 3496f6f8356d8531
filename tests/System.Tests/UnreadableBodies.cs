using System.Net;
using System.Net.Http.Headers;
using System.Text;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests;

/// <summary>Bodies the app cannot read as text (found by <see cref="Fuzz.MutatedRequests"/>): refused as problems, never a 500.</summary>
public sealed class UnreadableBodies(SqliteApp app) : IClassFixture<SqliteApp>
{
    private readonly long _merchant = EngineApp.NewId();
    private HttpClient Merchant => app.AsMerchant(_merchant);

    private static ByteArrayContent Json(byte[] body, string contentType = "application/json")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    [Fact]
    public async Task A_json_body_in_a_charset_that_is_no_known_encoding_is_a_415_and_stores_nothing()
    {
        var template = Encoding.UTF8.GetBytes(global::System.Text.Json.JsonSerializer.Serialize(Api.ATemplate(app.Clock.GetUtcNow())));

        var response = await Merchant.PostAsync("/api/v1/merchant/templates", Json(template, "application/json; charset=nope"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
        Assert.Contains("nope", problem.Str("detail"));
        var list = await (await Merchant.GetAsync("/api/v1/merchant/templates")).JsonAsync();
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
        var claim = await app.AsUser(EngineApp.NewId()).SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/claims")
        {
            Headers = { { "Idempotency-Key", "charset-1" } },
            Content = Json("""{"templateId":"1"}"""u8.ToArray(), "application/json; charset=\"x-unknown\""),
        });
        await claim.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
    }

    [Theory]
    [InlineData("""{"description":"\ud800"}""", "description")] // an unpaired surrogate, escaped
    [InlineData("""{"name":"ok","description":"\udfff\ud800"}""", "description")]
    public async Task A_patch_with_text_that_is_not_unicode_is_a_400_naming_the_field(string body, string field)
    {
        var template = (await Merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow()))).Id();

        var response = await Merchant.PatchAsync($"/api/v1/merchant/templates/{template}", Json(Encoding.UTF8.GetBytes(body)));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "MALFORMED_REQUEST");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        var read = await (await Merchant.GetAsync($"/api/v1/merchant/templates/{template}")).JsonAsync();
        Assert.Equal("满减 test coupon", read.Str("description"));
    }

    [Fact]
    public async Task A_patch_with_bytes_that_are_not_utf8_is_a_400()
    {
        var template = (await Merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow()))).Id();

        byte[] inValue = [.. "{\"description\":\""u8.ToArray(), 0xC3, 0x28, 0xFF, .. "\"}"u8.ToArray()];
        byte[] inName = [.. "{\""u8.ToArray(), 0xFF, 0xFE, .. "\":1}"u8.ToArray()];
        foreach (var body in new[] { inValue, inName })
        {
            var response = await Merchant.PatchAsync($"/api/v1/merchant/templates/{template}", Json(body));
            await response.AssertProblemAsync(HttpStatusCode.BadRequest, "MALFORMED_REQUEST");
        }
        var history = await (await Merchant.GetAsync($"/api/v1/merchant/templates/{template}/history")).JsonAsync();
        Assert.Equal(1, history.GetProperty("items").GetArrayLength()); // the creation only
    }
}
