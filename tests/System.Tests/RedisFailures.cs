using System.Net;
using MySqlConnector;
using PromotionEngine.System.Tests.Infrastructure;
using StackExchange.Redis;

namespace PromotionEngine.System.Tests;

/// <summary>Redis is a cache of the truth: losing it loses nothing, and the engine heals by itself.</summary>
[Trait("Category", "Slow")] // stops, restarts and flushes a Redis of its own
public sealed class RedisFailures
{
    private static async Task<long> IssuedInDatabaseAsync(RedisApp app, string template)
    {
        await using var connection = new MySqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var coupons = new MySqlCommand($"SELECT COUNT(*) FROM en_user_coupons WHERE template_id = {long.Parse(template)}", connection);
        await using var issued = new MySqlCommand(
            $"SELECT COALESCE(MAX(issued), 0) FROM en_template_issuance WHERE template_id = {long.Parse(template)}", connection);
        var counted = Convert.ToInt64(await coupons.ExecuteScalarAsync());
        Assert.Equal(counted, Convert.ToInt64(await issued.ExecuteScalarAsync())); // the counter always equals the coupons stored
        return counted;
    }

    [Fact]
    public async Task With_redis_down_claims_fail_fast_with_503_issue_nothing_and_recover_when_it_returns()
    {
        await using var redis = await PrivateRedis.StartAsync();
        var app = new RedisApp(redis.Configuration);
        await app.InitializeAsync();
        try
        {
            var template = (await app.AsMerchant(EngineApp.NewId())
                .CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow(), stock: 10, perUserLimit: 1))).Id();
            var first = app.AsUser(EngineApp.NewId());
            await first.ClaimedCouponIdAsync(template);

            await redis.StopAsync();
            var second = app.AsUser(EngineApp.NewId());
            var refused = await second.ClaimAsync(template, key: "while-down");
            var problem = await refused.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "CLAIMS_UNAVAILABLE");
            Assert.True(refused.Headers.Contains("Retry-After"));
            Assert.Equal(1, await IssuedInDatabaseAsync(app, template));

            await redis.StartAgainAsync(); // back, and empty
            var retried = await Eventually(
                () => second.ClaimAsync(template, key: "while-down"), r => r.StatusCode != HttpStatusCode.ServiceUnavailable,
                Seconds(30), "the retried claim to be decided once Redis is back", every: TimeSpan.FromMilliseconds(100));
            Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
            Assert.Equal(2, await IssuedInDatabaseAsync(app, template));
            // The counters came back from the database: the first user is still at the limit.
            await (await first.ClaimAsync(template)).AssertProblemAsync(HttpStatusCode.Conflict, "USER_LIMIT_REACHED");
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
        }
    }

    [Fact]
    public async Task A_retry_after_redis_forgot_the_key_gets_its_first_coupon_not_a_refusal()
    {
        await using var redis = await PrivateRedis.StartAsync();
        var app = new RedisApp(redis.Configuration);
        await app.InitializeAsync();
        try
        {
            var template = (await app.AsMerchant(EngineApp.NewId())
                .CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow(), stock: 1, perUserLimit: 1))).Id();
            var user = app.AsUser(EngineApp.NewId());
            var first = await (await user.ClaimAsync(template, key: "k-1")).JsonAsync();

            await redis.FlushAllAsync(); // Redis forgets the key; the database does not

            var retried = await user.ClaimAsync(template, key: "k-1");
            Assert.Equal(HttpStatusCode.OK, retried.StatusCode); // not USER_LIMIT_REACHED, not OUT_OF_STOCK
            Assert.Equal(first.Id(), (await retried.JsonAsync()).Id());
            Assert.Equal(1, await IssuedInDatabaseAsync(app, template));
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
        }
    }

    [Fact]
    public async Task Redis_flushed_in_the_middle_of_a_claim_storm_leaves_the_totals_exact()
    {
        await using var redis = await PrivateRedis.StartAsync();
        var app = new RedisApp(redis.Configuration);
        await app.InitializeAsync();
        try
        {
            const int stock = 150;
            var template = (await app.AsMerchant(EngineApp.NewId())
                .CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow(), stock: stock, perUserLimit: 1))).Id();
            var users = Enumerable.Range(0, 300).Select(_ => app.AsUser(EngineApp.NewId())).ToArray();
            var answered = 0;
            var flushed = new TaskCompletionSource();

            var storm = users.Select(async (user, i) =>
            {
                if (i >= 100) await flushed.Task; // two thirds of the storm comes after the flush
                var response = await user.ClaimAsync(template);
                if (Interlocked.Increment(ref answered) == 60) { await redis.FlushAllAsync(); flushed.SetResult(); }
                return response;
            }).ToArray();
            var responses = await Task.WhenAll(storm);

            Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, r.StatusCode.ToString()));
            var created = responses.Count(r => r.StatusCode == HttpStatusCode.Created);
            Assert.True(created <= stock, $"{created} coupons issued from a stock of {stock}");
            Assert.Equal(created, await IssuedInDatabaseAsync(app, template));
            foreach (var coupon in responses.Where(r => r.StatusCode == HttpStatusCode.Created))
                Assert.Equal(
                    HttpStatusCode.OK,
                    (await users[Array.IndexOf(responses, coupon)].GetAsync($"/api/v1/me/coupons/{(await coupon.JsonAsync()).Id()}")).StatusCode);

            // The rest of the stock is still claimable, exactly.
            var more = await Task.WhenAll(Enumerable.Range(0, stock).Select(_ => app.AsUser(EngineApp.NewId()).ClaimAsync(template)));
            Assert.Equal(stock, created + more.Count(r => r.StatusCode == HttpStatusCode.Created));

            // Rebuilt on demand, the cache agrees with the database again.
            var rebuilt = await app.As(Kernel.Identity.CallerRole.Operator, "ops")
                .PostAsync($"/api/v1/operator/claim-counters/rebuild?templateId={template}", null);
            Assert.Equal(HttpStatusCode.OK, rebuilt.StatusCode);
            await (await app.AsUser(EngineApp.NewId()).ClaimAsync(template)).AssertProblemAsync(HttpStatusCode.Conflict, "OUT_OF_STOCK");
            await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Configuration);
            Assert.Equal(stock, (long)await connection.GetDatabase().StringGetAsync($"{app.KeyPrefix}:{{t:{template}}}:issued"));
            Assert.Equal(stock, await IssuedInDatabaseAsync(app, template));
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
        }
    }
}
