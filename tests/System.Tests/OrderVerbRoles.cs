using System.Net;
using System.Net.Http.Json;
using PromotionEngine.System.Tests.Infrastructure;
using PromotionEngine.System.Tests.Infrastructure.OpenApi;

namespace PromotionEngine.System.Tests;

/// <summary>
/// The order verbs (/api/v1/orders/{orderId}/coupons/lock, consume, release, refund) are the settlement's: a process
/// serving the settlement role answers them, one serving only the engine role does not, and a deployment split in two
/// (merchant-admin and engine in one process, settlement in another, one database) runs an order end to end.
/// </summary>
public sealed class OrderVerbRoles
{
    private static readonly string[] Operations = ["LockCoupons", "ConsumeCoupons", "ReleaseCoupons", "RefundCoupons"];

    private static async Task ServingAsync(EngineApp app, string roles, Func<EngineApp, Task> test)
    {
        app.WithSetting("Promotion:Roles", roles);
        try
        {
            await app.InitializeAsync();
            await test(app);
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
        }
    }

    private static async Task<string> OpenApiAsync(EngineApp app) => await app.CreateClient().GetStringAsync("/openapi/v1.json");

    [Fact]
    public Task A_process_serving_only_the_engine_does_not_answer_the_order_verbs() => ServingAsync(new SqliteApp(), "engine", async app =>
    {
        var service = app.AsService();
        var order = Api.NewOrderId();

        Assert.Equal(HttpStatusCode.NotFound, (await service.LockAsync(order, EngineApp.NewId(), ["1"])).StatusCode);
        foreach (var verb in new[] { "consume", "release", "refund" })
            Assert.Equal(HttpStatusCode.NotFound, (await service.OrderAsync(order, verb)).StatusCode);

        var document = await OpenApiAsync(app);
        Assert.All(Operations, operation => Assert.DoesNotContain($"\"{operation}\"", document));
        Assert.Contains("\"ClaimCoupon\"", document); // the engine's own endpoints are there
        Assert.Equal(HttpStatusCode.OK, (await app.AsUser(EngineApp.NewId()).GetAsync("/api/v1/me/coupons")).StatusCode);
    });

    [Fact]
    public Task A_process_serving_only_the_settlement_answers_the_order_verbs() => ServingAsync(new SqliteApp(), "settlement", async app =>
    {
        var service = app.AsService();
        var order = Api.NewOrderId();

        // Answers of the verbs themselves, decided by the engine's checkout through its port.
        await (await service.LockAsync(order, EngineApp.NewId(), ["1"])).AssertProblemAsync(HttpStatusCode.NotFound, "COUPON_NOT_FOUND");
        await (await service.OrderAsync(order, "consume")).AssertProblemAsync(HttpStatusCode.Conflict, "ORDER_NOT_LOCKED");
        await (await service.OrderAsync(order, "release")).AssertProblemAsync(HttpStatusCode.Conflict, "ORDER_NOT_LOCKED");
        await (await service.OrderAsync(order, "refund")).AssertProblemAsync(HttpStatusCode.Conflict, "ORDER_NOT_CONSUMED");

        var document = await OpenApiAsync(app);
        Assert.All(Operations, operation => Assert.Contains($"\"{operation}\"", document));
        Assert.DoesNotContain("\"ClaimCoupon\"", document);
        using var wallet = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me/coupons");
        wallet.Options.Set(ValidatingHandler.NotServedHere, true);
        Assert.Equal(HttpStatusCode.NotFound, (await app.AsUser(EngineApp.NewId()).SendAsync(wallet)).StatusCode);
    });

    [Fact]
    public async Task An_order_runs_end_to_end_across_an_engine_process_and_a_settlement_process()
    {
        var database = "promo_test_roles_" + Guid.NewGuid().ToString("N")[..8];
        var engine = new MariaDbApp(database, workerId: null).WithSetting("Promotion:Roles", "merchant-admin,engine");
        var settlement = new MariaDbApp(database, workerId: null).WithSetting("Promotion:Roles", "settlement").SharingClockWith(engine);
        try
        {
            await engine.InitializeAsync();
            await settlement.InitializeAsync();
            var user = EngineApp.NewId();
            var template = (await engine.AsMerchant(EngineApp.NewId()).CreateTemplateAsync(Api.ATemplate(engine.Clock.GetUtcNow()))).Id();
            var coupon = await engine.AsUser(user).ClaimedCouponIdAsync(template);
            var service = settlement.AsService();
            var cart = new { userId = user, currency = "CNY", lines = new[] { new { sku = "tea", shopId = 1, unitPrice = 12_000, quantity = 1 } } };
            var quote = (await (await service.PostAsJsonAsync("/api/v1/settlement/quotes", cart)).JsonAsync()).Str("quoteId");
            var order = Api.NewOrderId();

            var locked = await service.PostAsJsonAsync($"/api/v1/orders/{order}/coupons/lock", new { quoteId = quote, ttlSeconds = 900 });

            Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
            var held = await (await engine.AsUser(user).GetAsync($"/api/v1/me/coupons/{coupon}")).JsonAsync();
            Assert.Equal(("LOCKED", order), (held.Str("status"), held.Str("orderId")));
            Assert.Equal(HttpStatusCode.OK, (await service.OrderAsync(order, "consume")).StatusCode);
            Assert.Equal("CONSUMED", (await (await engine.AsUser(user).GetAsync($"/api/v1/me/coupons/{coupon}")).JsonAsync()).Str("status"));
            var record = await (await service.GetAsync($"/api/v1/settlement/orders/{order}")).JsonAsync();
            Assert.Equal(("CONSUMED", quote), (record.Str("state"), record.Str("quoteId")));
        }
        finally
        {
            await ((IAsyncLifetime)settlement).DisposeAsync();
            await ((IAsyncLifetime)engine).DisposeAsync();
        }
    }
}
