using System.Net;
using System.Net.Http.Json;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.System.Tests.Infrastructure;
using PromotionEngine.System.Tests.Settlement;

namespace PromotionEngine.System.Tests;

/// <summary>
/// An order's coupons answer only to the service identity that locked them (and to the services configured to act for
/// each other): any other service token meets the order as if it did not exist. Run with service:order-service and
/// service:checkout trusted, service:evil not.
/// </summary>
public abstract class OrderOwnership(EngineApp app)
{
    private readonly HttpClient _merchant = app.AsMerchant(EngineApp.NewId());
    private readonly HttpClient _service = app.AsService(); // service:order-service
    private readonly HttpClient _checkout = app.As(CallerRole.Service, "checkout");
    private readonly HttpClient _evil = app.As(CallerRole.Service, "evil");

    public static void Trust(EngineApp app) => app.WithSetting("Engine:TrustedServices:0", "service:order-service")
        .WithSetting("Engine:TrustedServices:1", "service:checkout");

    private async Task<(long User, string Coupon)> ClaimedAsync()
    {
        var template = (await _merchant.CreateTemplateAsync(new
        {
            name = "20 off 200", currency = "CNY", scope = "PLATFORM", type = "THRESHOLD", discountAmount = 2000, thresholdAmount = 20_000,
            validFrom = app.Clock.GetUtcNow().AddMinutes(-1), validUntil = app.Clock.GetUtcNow().AddDays(30), stock = 100, perUserLimit = 1,
        })).Id();
        var user = EngineApp.NewId();
        return (user, await app.AsUser(user).ClaimedCouponIdAsync(template));
    }

    private async Task<string> StatusAsync(long user, string coupon) =>
        (await (await app.AsUser(user).GetAsync($"/api/v1/me/coupons/{coupon}")).JsonAsync()).Str("status");

    [Fact]
    public async Task Another_service_cannot_consume_release_refund_or_relock_an_order_and_learns_nothing()
    {
        var (user, coupon) = await ClaimedAsync();
        var order = Api.NewOrderId();
        Assert.Equal(HttpStatusCode.OK, (await _service.LockAsync(order, user, [coupon])).StatusCode);

        await (await _evil.OrderAsync(order, "release")).AssertProblemAsync(HttpStatusCode.NotFound, "ORDER_NOT_FOUND");
        await (await _evil.OrderAsync(order, "consume")).AssertProblemAsync(HttpStatusCode.NotFound, "ORDER_NOT_FOUND");
        await (await _evil.LockAsync(order, user, [coupon])).AssertProblemAsync(HttpStatusCode.NotFound, "ORDER_NOT_FOUND");
        Assert.Equal("LOCKED", await StatusAsync(user, coupon));

        Assert.Equal(HttpStatusCode.OK, (await _service.OrderAsync(order, "consume")).StatusCode);
        await (await _evil.OrderAsync(order, "refund")).AssertProblemAsync(HttpStatusCode.NotFound, "ORDER_NOT_FOUND");
        await (await _evil.OrderAsync(order, "consume")).AssertProblemAsync(HttpStatusCode.NotFound, "ORDER_NOT_FOUND"); // not even the stored answer
        Assert.Equal("CONSUMED", await StatusAsync(user, coupon));

        await (await _evil.GetAsync($"/api/v1/settlement/orders/{order}")).AssertProblemAsync(HttpStatusCode.NotFound, "SETTLEMENT_NOT_FOUND");
        await (await _evil.PostAsJsonAsync($"/api/v1/settlement/orders/{order}/refunds", new { refundId = "r-1" }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "SETTLEMENT_NOT_FOUND");
        Assert.Equal("CONSUMED", await StatusAsync(user, coupon));
        Assert.Equal(HttpStatusCode.OK, (await _service.GetAsync($"/api/v1/settlement/orders/{order}")).StatusCode);
    }

    [Fact]
    public async Task A_service_of_the_trusted_group_acts_for_the_others()
    {
        var (user, coupon) = await ClaimedAsync();
        var order = Api.NewOrderId();
        Assert.Equal(HttpStatusCode.OK, (await _service.LockAsync(order, user, [coupon])).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await _checkout.OrderAsync(order, "consume")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _service.OrderAsync(order, "consume")).StatusCode); // the stored answer, whoever asks
        Assert.Equal(HttpStatusCode.OK, (await _checkout.GetAsync($"/api/v1/settlement/orders/{order}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _checkout.OrderAsync(order, "refund")).StatusCode);
        Assert.Equal("AVAILABLE", await StatusAsync(user, coupon));
    }

    [Fact]
    public async Task An_order_another_service_locked_is_its_own_and_a_quote_is_its_makers()
    {
        var (user, coupon) = await ClaimedAsync();
        var cart = new { userId = user, currency = "CNY", lines = new[] { new { sku = "shoe", shopId = 501, unitPrice = 30_000, quantity = 1 } } };
        var quoteId = (await (await _service.PostAsJsonAsync("/api/v1/settlement/quotes", cart)).JsonAsync()).Str("quoteId");

        var order = Api.NewOrderId();
        await (await _evil.PostAsJsonAsync($"/api/v1/orders/{order}/coupons/lock", new { quoteId, ttlSeconds = 900 }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "QUOTE_NOT_FOUND");
        var evilQuote = (await (await _evil.PostAsJsonAsync("/api/v1/settlement/quotes", cart)).JsonAsync()).Str("quoteId");
        Assert.NotEqual(quoteId, evilQuote); // the same cart, but not the same quote: a quote answers to its maker
        Assert.Equal("AVAILABLE", await StatusAsync(user, coupon));

        // The evil service's own order is its own: the order service cannot release it either.
        Assert.Equal(
            HttpStatusCode.OK,
            (await _evil.PostAsJsonAsync($"/api/v1/orders/{order}/coupons/lock", new { quoteId = evilQuote, ttlSeconds = 900 })).StatusCode);
        await (await _service.OrderAsync(order, "release")).AssertProblemAsync(HttpStatusCode.NotFound, "ORDER_NOT_FOUND");
        Assert.Equal(HttpStatusCode.OK, (await _evil.OrderAsync(order, "release")).StatusCode);
        Assert.Equal("AVAILABLE", await StatusAsync(user, coupon));
    }

    [Fact]
    public async Task Orders_placed_by_order_events_belong_to_the_order_events_service()
    {
        var (user, coupon) = await ClaimedAsync();
        await using var orders = OrderSystem.For(app);
        var order = Api.NewOrderId();
        await orders.CreatedAsync(order, user, couponIds: [coupon]);
        await orders.RecordAsync(order, r => r.Str("state") == "LOCKED");

        await (await _evil.GetAsync($"/api/v1/settlement/orders/{order}")).AssertProblemAsync(HttpStatusCode.NotFound, "SETTLEMENT_NOT_FOUND");
        await (await _evil.OrderAsync(order, "release")).AssertProblemAsync(HttpStatusCode.NotFound, "ORDER_NOT_FOUND");
        Assert.Equal(HttpStatusCode.OK, (await _checkout.GetAsync($"/api/v1/settlement/orders/{order}")).StatusCode);
        Assert.Equal("LOCKED", await StatusAsync(user, coupon));
    }
}

public sealed class TrustingSqliteApp : SqliteApp
{
    public TrustingSqliteApp() => OrderOwnership.Trust(this);
}

public sealed class TrustingMariaDbApp : MariaDbApp
{
    public TrustingMariaDbApp() => OrderOwnership.Trust(this);
}

public sealed class OrderOwnershipOnSqlite(TrustingSqliteApp app) : OrderOwnership(app), IClassFixture<TrustingSqliteApp>;

public sealed class OrderOwnershipOnMariaDb(TrustingMariaDbApp app) : OrderOwnership(app), IClassFixture<TrustingMariaDbApp>;
