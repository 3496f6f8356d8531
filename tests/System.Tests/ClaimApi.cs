using System.Net;
using System.Text.Json;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests;

/// <summary>Claims and the wallet, run on every store.</summary>
public abstract class ClaimApi(EngineApp app)
{
    private readonly HttpClient _merchant = app.AsMerchant(EngineApp.NewId());
    private readonly long _userId = EngineApp.NewId();
    private HttpClient User => app.AsUser(_userId);

    private async Task<string> TemplateAsync(
        long stock = 100, int perUserLimit = 1, TimeSpan? startsIn = null, TimeSpan? lasts = null, string? validityAfterClaim = null) =>
        (await _merchant.CreateTemplateAsync(Api.ATemplate(
            app.Clock.GetUtcNow(), stock, perUserLimit, startsIn: startsIn, lasts: lasts, validityAfterClaim: validityAfterClaim))).Id();

    [Fact]
    public async Task A_claim_issues_one_coupon_into_the_wallet_and_counts_it_on_the_template()
    {
        var template = await TemplateAsync(validityAfterClaim: "PT12H");

        var response = await User.ClaimAsync(template);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var coupon = await response.JsonAsync();
        Assert.Equal("AVAILABLE", coupon.Str("status"));
        Assert.Equal(template, coupon.Str("templateId"));
        Assert.Equal(
            TimeSpan.FromHours(12), coupon.GetProperty("validUntil").GetDateTimeOffset() - coupon.GetProperty("claimedAt").GetDateTimeOffset());
        Assert.Equal($"/api/v1/me/coupons/{coupon.Id()}", response.Headers.Location?.ToString());
        var read = await (await User.GetAsync($"/api/v1/me/coupons/{coupon.Id()}")).JsonAsync();
        Assert.Equal(coupon.Id(), read.Id());
        var templateRead = await (await _merchant.GetAsync($"/api/v1/merchant/templates/{template}")).JsonAsync();
        Assert.Equal(1, templateRead.GetProperty("issued").GetInt64());
    }

    [Fact]
    public async Task A_retry_with_the_same_key_returns_the_same_coupon_and_issues_nothing()
    {
        var template = await TemplateAsync(perUserLimit: 5);

        var first = await User.ClaimAsync(template, key: "retry-me");
        var again = await User.ClaimAsync(template, key: "retry-me");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(1, (await (await User.GetAsync("/api/v1/me/coupons")).JsonAsync()).GetProperty("items").GetArrayLength());
        var other = await TemplateAsync();
        await (await User.ClaimAsync(other, key: "retry-me")).AssertProblemAsync(HttpStatusCode.Conflict, "IDEMPOTENCY_KEY_REUSED");
        // Reused on a template that would refuse anyway, the key is still recognised.
        var stopped = await TemplateAsync();
        await _merchant.PostAsync($"/api/v1/merchant/templates/{stopped}/terminate", null);
        await (await User.ClaimAsync(stopped, key: "retry-me")).AssertProblemAsync(HttpStatusCode.Conflict, "IDEMPOTENCY_KEY_REUSED");
    }

    [Fact]
    public async Task Each_refusal_has_its_own_code()
    {
        var soldOut = await TemplateAsync(stock: 1, perUserLimit: 5);
        await app.AsUser(EngineApp.NewId()).ClaimedCouponIdAsync(soldOut);
        await (await User.ClaimAsync(soldOut)).AssertProblemAsync(HttpStatusCode.Conflict, "OUT_OF_STOCK");

        var limited = await TemplateAsync(perUserLimit: 1);
        await User.ClaimedCouponIdAsync(limited);
        var limit = await (await User.ClaimAsync(limited)).AssertProblemAsync(HttpStatusCode.Conflict, "USER_LIMIT_REACHED");
        Assert.Equal(1, limit.GetProperty("perUserLimit").GetInt32());

        var future = await TemplateAsync(startsIn: TimeSpan.FromHours(2));
        await (await User.ClaimAsync(future)).AssertProblemAsync(HttpStatusCode.Conflict, "NOT_STARTED");

        var stopped = await TemplateAsync();
        await _merchant.PostAsync($"/api/v1/merchant/templates/{stopped}/terminate", null);
        await (await User.ClaimAsync(stopped)).AssertProblemAsync(HttpStatusCode.Conflict, "TERMINATED");

        await (await User.ClaimAsync("999999999")).AssertProblemAsync(HttpStatusCode.NotFound, "TEMPLATE_NOT_FOUND");
        var noKey = await User.PostAsync(
            "/api/v1/claims", new StringContent($$"""{"templateId":"{{limited}}"}""", global::System.Text.Encoding.UTF8, "application/json"));
        await noKey.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        await (await app.AsService().ClaimAsync(limited)).AssertProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Fact]
    public async Task A_template_whose_window_passed_is_ended_and_its_coupons_expire_at_their_instant()
    {
        var template = await TemplateAsync(lasts: TimeSpan.FromHours(1));
        var coupon = await User.ClaimedCouponIdAsync(template);

        app.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));

        await (await app.AsUser(EngineApp.NewId()).ClaimAsync(template)).AssertProblemAsync(HttpStatusCode.Conflict, "ENDED");
        var read = await (await User.GetAsync($"/api/v1/me/coupons/{coupon}")).JsonAsync();
        Assert.Equal("EXPIRED", read.Str("status")); // before any sweep has stored it
        var expired = await (await User.GetAsync("/api/v1/me/coupons?status=EXPIRED")).JsonAsync();
        Assert.Contains(coupon, expired.GetProperty("items").EnumerateArray().Select(c => c.Id()));
        var ended = await (await _merchant.GetAsync($"/api/v1/merchant/templates/{template}")).JsonAsync();
        Assert.Equal("ENDED", ended.Str("status"));
    }

    [Fact]
    public async Task The_wallet_pages_newest_first_filters_by_status_and_hides_other_users_coupons()
    {
        var template = await TemplateAsync(perUserLimit: 5);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++) ids.Add(await User.ClaimedCouponIdAsync(template));

        var first = await (await User.GetAsync("/api/v1/me/coupons?limit=3")).JsonAsync();
        var second = await (await User.GetAsync($"/api/v1/me/coupons?limit=3&cursor={first.Str("nextCursor")}")).JsonAsync();
        var paged = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(c => c.Id());
        Assert.Equal(Enumerable.Reverse(ids), paged);
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
        Assert.Equal(0, (await (await User.GetAsync("/api/v1/me/coupons?status=CONSUMED")).JsonAsync()).GetProperty("items").GetArrayLength());
        await (await User.GetAsync("/api/v1/me/coupons?status=USED")).AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");

        var stranger = app.AsUser(EngineApp.NewId());
        await (await stranger.GetAsync($"/api/v1/me/coupons/{ids[0]}")).AssertProblemAsync(HttpStatusCode.NotFound, "COUPON_NOT_FOUND");
        Assert.Equal(0, (await (await stranger.GetAsync("/api/v1/me/coupons")).JsonAsync()).GetProperty("items").GetArrayLength());
    }
}

public sealed class ClaimApiOnSqlite(SqliteApp app) : ClaimApi(app), IClassFixture<SqliteApp>;

public sealed class ClaimApiOnMariaDb(MariaDbApp app) : ClaimApi(app), IClassFixture<MariaDbApp>;

public sealed class ClaimApiOnRedis(RedisApp app) : ClaimApi(app), IClassFixture<RedisApp>;

[Collection(RedisClusterCollection.Name)]
public sealed class ClaimApiOnRedisCluster(RedisClusterApp app) : ClaimApi(app), IClassFixture<RedisClusterApp>;
