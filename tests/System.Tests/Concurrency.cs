using System.Net;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests;

/// <summary>The invariants under contention: no oversell, no user over the limit, no coupon spent twice. Run on every store.</summary>
public abstract class Concurrency(EngineApp app)
{
    private readonly HttpClient _merchant = app.AsMerchant(EngineApp.NewId());
    private readonly HttpClient _service = app.AsService();

    private async Task<string> TemplateAsync(long stock, int perUserLimit) =>
        (await _merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow(), stock, perUserLimit))).Id();

    /// <summary>Starts every call at once (one gate), so they really overlap.</summary>
    private static async Task<HttpResponseMessage[]> AllAtOnceAsync(int count, Func<int, Task<HttpResponseMessage>> call)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, count).Select(async i => { await start.Task; return await call(i); }).ToArray();
        start.SetResult();
        return await Task.WhenAll(calls);
    }

    [Fact]
    public async Task Two_hundred_users_racing_for_fifty_coupons_get_exactly_fifty()
    {
        var template = await TemplateAsync(stock: 50, perUserLimit: 1);
        var users = Enumerable.Range(0, 200).Select(_ => EngineApp.NewId()).ToArray();
        var clients = users.Select(app.AsUser).ToArray();

        var responses = await AllAtOnceAsync(200, i => clients[i].ClaimAsync(template));

        Assert.Equal(50, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(150, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            await refused.AssertProblemAsync(HttpStatusCode.Conflict, "OUT_OF_STOCK");
        var issued = (await (await _merchant.GetAsync($"/api/v1/merchant/templates/{template}")).JsonAsync()).GetProperty("issued").GetInt64();
        Assert.Equal(50, issued);
        var wallets = 0;
        foreach (var client in clients)
            wallets += (await (await client.GetAsync("/api/v1/me/coupons")).JsonAsync()).GetProperty("items").GetArrayLength();
        Assert.Equal(50, wallets);
    }

    [Fact]
    public async Task One_user_racing_twenty_claims_against_a_limit_of_three_gets_three()
    {
        var template = await TemplateAsync(stock: 1000, perUserLimit: 3);
        var user = app.AsUser(EngineApp.NewId());

        var responses = await AllAtOnceAsync(20, _ => user.ClaimAsync(template));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            await refused.AssertProblemAsync(HttpStatusCode.Conflict, "USER_LIMIT_REACHED");
        Assert.Equal(3, (await (await user.GetAsync("/api/v1/me/coupons")).JsonAsync()).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task The_same_key_sent_twenty_times_at_once_issues_one_coupon()
    {
        var template = await TemplateAsync(stock: 1000, perUserLimit: 10);
        var user = app.AsUser(EngineApp.NewId());

        var responses = await AllAtOnceAsync(20, _ => user.ClaimAsync(template, key: "same-key"));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, r.StatusCode.ToString()));
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        var ids = new HashSet<string>();
        foreach (var r in responses) ids.Add((await r.JsonAsync()).Id());
        Assert.Single(ids);
        Assert.Equal(1, (await (await user.GetAsync("/api/v1/me/coupons")).JsonAsync()).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Ten_orders_racing_to_lock_one_coupon_leave_exactly_one_holder()
    {
        var userId = EngineApp.NewId();
        var coupon = await app.AsUser(userId).ClaimedCouponIdAsync(await TemplateAsync(stock: 10, perUserLimit: 1));
        var orders = Enumerable.Range(0, 10).Select(_ => Api.NewOrderId()).ToArray();

        var responses = await AllAtOnceAsync(10, i => _service.LockAsync(orders[i], userId, [coupon]));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
            await refused.AssertProblemAsync(HttpStatusCode.Conflict, "ILLEGAL_TRANSITION");
        var winner = orders[Array.FindIndex(responses, r => r.StatusCode == HttpStatusCode.OK)];
        var read = await (await app.AsUser(userId).GetAsync($"/api/v1/me/coupons/{coupon}")).JsonAsync();
        Assert.Equal(winner, read.Str("orderId"));
    }

    [Fact]
    public async Task Consume_and_release_racing_on_one_lock_never_both_win_and_never_consume_twice()
    {
        var template = await TemplateAsync(stock: 100, perUserLimit: 20);
        for (var round = 0; round < 10; round++)
        {
            var userId = EngineApp.NewId();
            var coupon = await app.AsUser(userId).ClaimedCouponIdAsync(template);
            var order = Api.NewOrderId();
            Assert.Equal(HttpStatusCode.OK, (await _service.LockAsync(order, userId, [coupon])).StatusCode);

            var responses = await AllAtOnceAsync(6, i => _service.OrderAsync(order, i % 2 == 0 ? "consume" : "release"));

            var consumed = responses.Where((r, i) => i % 2 == 0 && r.StatusCode == HttpStatusCode.OK).Count();
            var released = responses.Where((r, i) => i % 2 == 1 && r.StatusCode == HttpStatusCode.OK).Count();
            Assert.True(consumed == 0 || released == 0, $"round {round}: consume won {consumed} times and release {released} times");
            var status = (await (await app.AsUser(userId).GetAsync($"/api/v1/me/coupons/{coupon}")).JsonAsync()).Str("status");
            Assert.Equal(consumed > 0 ? "CONSUMED" : "AVAILABLE", status);

            // A second order can never spend a coupon the first one consumed.
            if (consumed > 0)
            {
                var thief = Api.NewOrderId();
                await (await _service.LockAsync(thief, userId, [coupon])).AssertProblemAsync(HttpStatusCode.Conflict, "ILLEGAL_TRANSITION");
                await (await _service.OrderAsync(thief, "consume")).AssertProblemAsync(HttpStatusCode.Conflict, "ORDER_NOT_LOCKED");
            }
        }
    }
}

public sealed class ConcurrencyOnSqlite(SqliteApp app) : Concurrency(app), IClassFixture<SqliteApp>;

public sealed class ConcurrencyOnMariaDb(MariaDbApp app) : Concurrency(app), IClassFixture<MariaDbApp>;

public sealed class ConcurrencyOnRedis(RedisApp app) : Concurrency(app), IClassFixture<RedisApp>;

[Collection(RedisClusterCollection.Name)]
public sealed class ConcurrencyOnRedisCluster(RedisClusterApp app) : Concurrency(app), IClassFixture<RedisClusterApp>;
