using System.Net;
using System.Net.Http.Json;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests;

/// <summary>
/// What operators read to answer a user (the console's user support and settlement pages): any user's coupons as the user's wallet
/// shows them, and any service's order's settlement record; nobody else reads them there.
/// </summary>
public abstract class UserSupportApi(EngineApp app)
{
    private readonly HttpClient _operator = app.AsOperator();
    private readonly HttpClient _merchant = app.AsMerchant(EngineApp.NewId());

    [Fact]
    public async Task An_operator_lists_a_users_coupons_newest_first_by_status_a_page_at_a_time()
    {
        var user = EngineApp.NewId();
        var coupons = new List<string>();
        for (var i = 0; i < 3; i++) coupons.Add(await app.AsUser(user).ClaimedCouponIdAsync(await TemplateAsync()));
        await app.AsUser(EngineApp.NewId()).ClaimedCouponIdAsync(await TemplateAsync()); // another user's: not listed

        var first = await (await _operator.GetAsync($"/api/v1/operator/users/{user}/coupons?limit=2")).JsonAsync();
        var rest = await (await _operator.GetAsync(
            $"/api/v1/operator/users/{user}/coupons?limit=2&cursor={Uri.EscapeDataString(first.Str("nextCursor"))}")).JsonAsync();

        var listed = first.GetProperty("items").EnumerateArray().Concat(rest.GetProperty("items").EnumerateArray()).ToList();
        Assert.Equal(Enumerable.Reverse(coupons), listed.Select(c => c.Id()));
        Assert.All(listed, c => Assert.Equal((user.ToString(), "AVAILABLE"), (c.Str("userId"), c.Str("status"))));
        Assert.Equal(JsonValueKindNull, rest.GetProperty("nextCursor").ValueKind);
        var used = await (await _operator.GetAsync($"/api/v1/operator/users/{user}/coupons?status=CONSUMED")).JsonAsync();
        Assert.Empty(used.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Only_operators_list_a_users_coupons_and_a_bad_status_is_named()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await _merchant.GetAsync("/api/v1/operator/users/1001/coupons")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.AsUser(1001).GetAsync("/api/v1/operator/users/1001/coupons")).StatusCode);
        var problem = await (await _operator.GetAsync("/api/v1/operator/users/1001/coupons?status=LOST"))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(problem.GetProperty("errors").TryGetProperty("status", out _));
    }

    [Fact]
    public async Task An_operator_reads_any_services_settlement_record_and_nobody_else_does_there()
    {
        var user = EngineApp.NewId();
        var coupon = await app.AsUser(user).ClaimedCouponIdAsync(await TemplateAsync());
        var order = Api.NewOrderId();
        var owner = app.As(CallerRole.Service, "another-order-service");
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsJsonAsync($"/api/v1/orders/{order}/coupons/lock",
            new { userId = user, couponIds = new[] { long.Parse(coupon) }, ttlSeconds = 900 })).StatusCode);

        var record = await (await _operator.GetAsync($"/api/v1/settlement/records/{order}")).JsonAsync();

        Assert.Equal((order, "LOCKED"), (record.Str("orderId"), record.Str("state")));
        Assert.Equal([coupon], record.GetProperty("couponIds").EnumerateArray().Select(c => c.GetString()));
        await (await _operator.GetAsync($"/api/v1/settlement/records/{Api.NewOrderId()}"))
            .AssertProblemAsync(HttpStatusCode.NotFound, "SETTLEMENT_NOT_FOUND");
        await (await _operator.GetAsync("/api/v1/settlement/records/not%20an%20order"))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.GetAsync($"/api/v1/settlement/records/{order}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _merchant.GetAsync($"/api/v1/settlement/records/{order}")).StatusCode);
    }

    [Fact]
    public async Task An_operator_reads_a_coupons_movements_in_the_clearing_journal_oldest_first()
    {
        var user = EngineApp.NewId();
        var coupon = await app.AsUser(user).ClaimedCouponIdAsync(await TemplateAsync());
        var other = await app.AsUser(user).ClaimedCouponIdAsync(await TemplateAsync());
        var order = Api.NewOrderId();
        var service = app.AsService();
        Assert.Equal(HttpStatusCode.OK, (await service.PostAsJsonAsync($"/api/v1/orders/{order}/coupons/lock",
            new { userId = user, couponIds = new[] { long.Parse(coupon) }, ttlSeconds = 900 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.PostAsync($"/api/v1/orders/{order}/coupons/consume", null)).StatusCode);

        var movements = await Eventually(async () =>
        {
            var page = await (await _operator.GetAsync($"/api/v1/operator/clearing/coupons/{coupon}/movements?limit=100")).JsonAsync();
            return page.GetProperty("items").EnumerateArray().Select(m => (m.Str("movement"), m.GetProperty("orderId").GetString())).ToList();
        }, m => m.Any(x => x.Item1 == "CONSUMED"), Seconds(30), $"the clearing's CONSUMED of coupon {coupon}",
            between: () => app.Clock.Advance(TimeSpan.FromSeconds(1)));

        Assert.Equal([("CLAIMED", null), ("LOCKED", order), ("CONSUMED", order)], movements.Where(m => !m.Item1.StartsWith("DISCOUNT_")));
        var first = await (await _operator.GetAsync($"/api/v1/operator/clearing/coupons/{coupon}/movements?limit=1")).JsonAsync();
        var second = await (await _operator.GetAsync(
            $"/api/v1/operator/clearing/coupons/{coupon}/movements?limit=1&cursor={Uri.EscapeDataString(first.Str("nextCursor"))}")).JsonAsync();
        Assert.Equal(["CLAIMED", "LOCKED"], new[] { first, second }.Select(p => p.GetProperty("items")[0].Str("movement")));
        var untouched = await (await _operator.GetAsync($"/api/v1/operator/clearing/coupons/{other}/movements")).JsonAsync();
        Assert.Equal(["CLAIMED"], untouched.GetProperty("items").EnumerateArray().Select(m => m.Str("movement")));
        Assert.Equal(HttpStatusCode.Forbidden, (await _merchant.GetAsync($"/api/v1/operator/clearing/coupons/{coupon}/movements")).StatusCode);
    }

    private async Task<string> TemplateAsync() => (await _merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow()))).Id();

    private const global::System.Text.Json.JsonValueKind JsonValueKindNull = global::System.Text.Json.JsonValueKind.Null;
}

public sealed class UserSupportApiOnSqlite(SqliteApp app) : UserSupportApi(app), IClassFixture<SqliteApp>;

public sealed class UserSupportApiOnMariaDb(MariaDbApp app) : UserSupportApi(app), IClassFixture<MariaDbApp>;
