using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace PromotionEngine.System.Tests.Infrastructure;

/// <summary>Small builders and readers in the API's own words.</summary>
public static class Api
{
    public static object ATemplate(DateTimeOffset now, long stock = 100, int perUserLimit = 1, string name = "Spend 100 take 10",
        TimeSpan? startsIn = null, TimeSpan? lasts = null, string? validityAfterClaim = null) => new
        {
            name,
            description = "满减 test coupon",
            currency = "CNY",
            scope = "PLATFORM",
            type = "THRESHOLD",
            discountAmount = 1000,
            thresholdAmount = 10000,
            validFrom = now + (startsIn ?? TimeSpan.FromMinutes(-1)),
            validUntil = now + (startsIn ?? TimeSpan.Zero) + (lasts ?? TimeSpan.FromDays(30)),
            validityAfterClaim,
            stock,
            perUserLimit,
        };

    public static async Task<JsonElement> CreateTemplateAsync(this HttpClient merchant, object template)
    {
        var response = await merchant.PostAsJsonAsync("/api/v1/merchant/templates", template);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static Task<HttpResponseMessage> ClaimAsync(this HttpClient user, string templateId, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/claims") { Content = JsonContent.Create(new { templateId }) };
        request.Headers.Add("Idempotency-Key", key ?? Guid.NewGuid().ToString());
        return user.SendAsync(request);
    }

    public static async Task<string> ClaimedCouponIdAsync(this HttpClient user, string templateId)
    {
        var response = await user.ClaimAsync(templateId);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).Id();
    }

    public static Task<HttpResponseMessage> LockAsync(
        this HttpClient service, string orderId, long userId, IEnumerable<string> couponIds, int ttlSeconds = 900) =>
        service.PostAsJsonAsync($"/api/v1/orders/{orderId}/coupons/lock", new { userId, couponIds, ttlSeconds });

    public static Task<HttpResponseMessage> OrderAsync(this HttpClient service, string orderId, string verb) =>
        service.PostAsync($"/api/v1/orders/{orderId}/coupons/{verb}", null);

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    public static string Id(this JsonElement e) => e.GetProperty("id").GetString()!;

    public static string Str(this JsonElement e, string property) => e.GetProperty(property).GetString()!;

    /// <summary>Asserts a problem+json refusal with the given status and stable code; returns the body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status} {code}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal(code, json.GetProperty("code").GetString());
        return json;
    }

    public static string NewOrderId() => "ord-" + Guid.NewGuid().ToString("N")[..16];
}
