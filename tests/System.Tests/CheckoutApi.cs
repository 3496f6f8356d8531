using System.Net;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests;

/// <summary>Lock, consume, release, refund as an order system calls them, run on every store.</summary>
public abstract class CheckoutApi(EngineApp app)
{
    private readonly HttpClient _merchant = app.AsMerchant(EngineApp.NewId());
    private readonly HttpClient _service = app.AsService();
    private readonly long _userId = EngineApp.NewId();
    private HttpClient User => app.AsUser(_userId);

    private async Task<List<string>> CouponsAsync(int count, TimeSpan? lasts = null)
    {
        var template = (await _merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow(), perUserLimit: count, lasts: lasts))).Id();
        var ids = new List<string>();
        for (var i = 0; i < count; i++) ids.Add(await User.ClaimedCouponIdAsync(template));
        return ids;
    }

    private async Task<string> StatusAsync(string coupon) => (await (await User.GetAsync($"/api/v1/me/coupons/{coupon}")).JsonAsync()).Str("status");

    [Fact]
    public async Task Lock_then_consume_then_refund_walks_the_lifecycle()
    {
        var coupons = await CouponsAsync(2);
        var order = Api.NewOrderId();

        var locked = await _service.LockAsync(order, _userId, coupons);
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        Assert.All((await locked.JsonAsync()).GetProperty("coupons").EnumerateArray(), c => Assert.Equal("LOCKED", c.Str("status")));
        Assert.Equal(order, (await (await User.GetAsync($"/api/v1/me/coupons/{coupons[0]}")).JsonAsync()).Str("orderId"));

        Assert.Equal(HttpStatusCode.OK, (await _service.OrderAsync(order, "consume")).StatusCode);
        Assert.Equal("CONSUMED", await StatusAsync(coupons[0]));
        Assert.Equal("CONSUMED", await StatusAsync(coupons[1]));

        Assert.Equal(HttpStatusCode.OK, (await _service.OrderAsync(order, "refund")).StatusCode);
        Assert.Equal("AVAILABLE", await StatusAsync(coupons[0]));
    }

    [Fact]
    public async Task Each_order_operation_done_twice_has_the_effect_of_once()
    {
        var coupons = await CouponsAsync(1);
        var order = Api.NewOrderId();

        var firstLock = await (await _service.LockAsync(order, _userId, coupons)).Content.ReadAsStringAsync();
        var secondLock = await (await _service.LockAsync(order, _userId, coupons)).Content.ReadAsStringAsync();
        Assert.Equal(firstLock, secondLock);
        var consumed = await (await _service.OrderAsync(order, "consume")).Content.ReadAsStringAsync();
        Assert.Equal(consumed, await (await _service.OrderAsync(order, "consume")).Content.ReadAsStringAsync());
        await _service.OrderAsync(order, "refund");
        Assert.Equal(HttpStatusCode.OK, (await _service.OrderAsync(order, "refund")).StatusCode);
        Assert.Equal("AVAILABLE", await StatusAsync(coupons[0]));
        await (await _service.LockAsync(order, _userId, coupons, ttlSeconds: 60)).AssertProblemAsync(HttpStatusCode.Conflict, "IDEMPOTENCY_MISMATCH");
    }

    [Fact]
    public async Task A_lock_takes_all_listed_coupons_or_none()
    {
        var coupons = await CouponsAsync(3);
        Assert.Equal(HttpStatusCode.OK, (await _service.LockAsync(Api.NewOrderId(), _userId, [coupons[2]])).StatusCode);

        var refused = await (await _service.LockAsync(Api.NewOrderId(), _userId, coupons)).AssertProblemAsync(
            HttpStatusCode.Conflict, "ILLEGAL_TRANSITION");

        var blocked = Assert.Single(refused.GetProperty("coupons").EnumerateArray());
        Assert.Equal(coupons[2], blocked.Str("couponId"));
        Assert.Equal("LOCKED", blocked.Str("status"));
        Assert.Equal("HELD_BY_ANOTHER_ORDER", blocked.Str("reason"));
        Assert.Equal("AVAILABLE", await StatusAsync(coupons[0]));
        Assert.Equal("AVAILABLE", await StatusAsync(coupons[1]));
    }

    [Fact]
    public async Task Bad_lock_requests_are_refused_and_change_nothing()
    {
        var coupons = await CouponsAsync(1);
        var other = app.AsUser(EngineApp.NewId());
        await (await _service.LockAsync(Api.NewOrderId(), _userId, ["123"])).AssertProblemAsync(HttpStatusCode.NotFound, "COUPON_NOT_FOUND");
        await (await _service.LockAsync(Api.NewOrderId(), _userId + 1_000_000_000, coupons)).AssertProblemAsync(
            HttpStatusCode.NotFound, "COUPON_NOT_FOUND");
        await (await _service.LockAsync(Api.NewOrderId(), _userId, coupons, ttlSeconds: 0)).AssertProblemAsync(
            HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        await (await _service.LockAsync("bad order id!", _userId, coupons)).AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        await (await _service.LockAsync(Api.NewOrderId(), _userId, [coupons[0], coupons[0]])).AssertProblemAsync(
            HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        await (await User.LockAsync(Api.NewOrderId(), _userId, coupons)).AssertProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        await (await _service.OrderAsync(Api.NewOrderId(), "consume")).AssertProblemAsync(HttpStatusCode.Conflict, "ORDER_NOT_LOCKED");
        await (await _service.OrderAsync(Api.NewOrderId(), "refund")).AssertProblemAsync(HttpStatusCode.Conflict, "ORDER_NOT_CONSUMED");
        Assert.Equal("AVAILABLE", await StatusAsync(coupons[0]));
        await (await other.GetAsync($"/api/v1/me/coupons/{coupons[0]}")).AssertProblemAsync(HttpStatusCode.NotFound, "COUPON_NOT_FOUND");
    }

    [Fact]
    public async Task Illegal_transitions_are_refused_with_the_current_state()
    {
        var coupons = await CouponsAsync(1);
        var order = Api.NewOrderId();
        await _service.LockAsync(order, _userId, coupons);
        await _service.OrderAsync(order, "consume");

        var release = await (await _service.OrderAsync(order, "release")).AssertProblemAsync(HttpStatusCode.Conflict, "ILLEGAL_TRANSITION");
        Assert.Equal("CONSUMED", release.GetProperty("currentStatus").GetString());

        var again = Api.NewOrderId();
        var relock = await (await _service.LockAsync(again, _userId, coupons)).AssertProblemAsync(HttpStatusCode.Conflict, "ILLEGAL_TRANSITION");
        Assert.Equal("CONSUMED", relock.GetProperty("currentStatus").GetString());
    }

    [Fact]
    public async Task An_unpaid_lock_lapses_after_its_ttl_and_a_late_payment_is_refused()
    {
        var coupons = await CouponsAsync(1);
        var order = Api.NewOrderId();
        await _service.LockAsync(order, _userId, coupons, ttlSeconds: 60);

        app.Clock.Advance(TimeSpan.FromSeconds(61));

        Assert.Equal("AVAILABLE", await StatusAsync(coupons[0])); // free again from the instant, sweep or not
        var late = await (await _service.OrderAsync(order, "consume")).AssertProblemAsync(HttpStatusCode.Conflict, "ILLEGAL_TRANSITION");
        Assert.Equal("HOLD_EXPIRED", late.GetProperty("coupons")[0].Str("reason"));
        Assert.Equal(HttpStatusCode.OK, (await _service.LockAsync(Api.NewOrderId(), _userId, coupons)).StatusCode);
    }

    [Fact]
    public async Task Release_gives_the_coupon_back_and_a_refund_after_its_end_expires_it()
    {
        var coupons = await CouponsAsync(2, lasts: TimeSpan.FromHours(1));
        var released = Api.NewOrderId();
        await _service.LockAsync(released, _userId, [coupons[0]]);
        Assert.Equal(HttpStatusCode.OK, (await _service.OrderAsync(released, "release")).StatusCode);
        Assert.Equal("AVAILABLE", await StatusAsync(coupons[0]));

        var refunded = Api.NewOrderId();
        await _service.LockAsync(refunded, _userId, [coupons[1]]);
        await _service.OrderAsync(refunded, "consume");
        app.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(HttpStatusCode.OK, (await _service.OrderAsync(refunded, "refund")).StatusCode);
        Assert.Equal("EXPIRED", await StatusAsync(coupons[1]));
        await (await _service.LockAsync(Api.NewOrderId(), _userId, [coupons[0]])).AssertProblemAsync(HttpStatusCode.Conflict, "ILLEGAL_TRANSITION");
    }
}

public sealed class CheckoutApiOnSqlite(SqliteApp app) : CheckoutApi(app), IClassFixture<SqliteApp>;

public sealed class CheckoutApiOnMariaDb(MariaDbApp app) : CheckoutApi(app), IClassFixture<MariaDbApp>;

public sealed class CheckoutApiOnRedis(RedisApp app) : CheckoutApi(app), IClassFixture<RedisApp>;
