using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.System.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PromotionEngine.System.Tests.Gateway;

/// <summary>
/// scripts/cluster.sh's split deployment (two engine instances, merchant-admin, distribution, settlement+search, on
/// MariaDB, Redis and NATS, behind nginx with deploy/nginx/), driven only through the gateway: the coupon lifecycle, a
/// distribution task, a quote and the search index fed from NATS; then a claim storm while one engine instance is
/// SIGKILLed and restarted by the script, lasting until the stock is gone and the instance is back.
/// </summary>
[Trait("Category", "Slow")] // a whole deployment of six processes, and a kill in a storm
public sealed class SplitDeployment(ITestOutputHelper output)
{
    private const int Stock = 1500;
    private const int Workers = 48;
    private const int KillAfter = 250;

    [Fact]
    public async Task Every_role_serves_through_the_gateway_and_a_killed_engine_instance_loses_nothing()
    {
        var started = Stopwatch.StartNew();
        await using var cluster = await Cluster.StartAsync();
        var status = await cluster.StatusAsync();
        output.WriteLine(status);
        Assert.Equal(6, status.Split('\n').Count(line => line.Contains(" ready (worker number ", StringComparison.Ordinal)));
        Assert.Equal(6, status.Split('\n').Select(line => line.Split("worker number ").ElementAtOrDefault(1)).OfType<string>().Distinct().Count());

        await TheLifecycleWorksThroughTheGatewayAsync(cluster);
        await AStormSurvivesAnEngineKilledAsync(cluster);
        output.WriteLine($"whole test: {started.Elapsed.TotalSeconds:0} s");
    }

    private static async Task TheLifecycleWorksThroughTheGatewayAsync(Cluster cluster)
    {
        var merchantId = EngineApp.NewId().ToString();
        var merchant = cluster.As(CallerRole.Merchant, merchantId);
        var name = "gateway-" + Guid.NewGuid().ToString("N")[..8];
        var template = (await merchant.CreateTemplateAsync(Api.ATemplate(DateTimeOffset.UtcNow, stock: 1000, perUserLimit: 1, name: name))).Id();

        // engine: claim and wallet
        var userId = EngineApp.NewId();
        var user = cluster.As(CallerRole.User, userId.ToString());
        var coupon = await user.ClaimedCouponIdAsync(template);
        Assert.Equal("AVAILABLE", (await (await user.GetAsync($"/api/v1/me/coupons/{coupon}")).JsonAsync()).Str("status"));

        // settlement: quote, then the order's verbs
        var service = cluster.As(CallerRole.Service, "order-service");
        var quote = await (await service.PostAsJsonAsync("/api/v1/settlement/quotes", new
        {
            userId, currency = "CNY", shippingFee = 0,
            lines = new object[] { new { sku = "shoe", shopId = 501, unitPrice = 15_000, quantity = 1 } },
        })).JsonAsync();
        Assert.Equal((1000L, 14_000L), (quote.GetProperty("totalDiscount").GetInt64(), quote.GetProperty("payable").GetInt64()));
        var order = Api.NewOrderId();
        Assert.Equal(HttpStatusCode.OK, (await service.LockAsync(order, userId, [coupon])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.OrderAsync(order, "consume")).StatusCode);
        Assert.Equal("CONSUMED", (await (await user.GetAsync($"/api/v1/me/coupons/{coupon}")).JsonAsync()).Str("status"));
        Assert.Equal(HttpStatusCode.OK, (await service.OrderAsync(order, "refund")).StatusCode);
        Assert.Equal("AVAILABLE", (await (await user.GetAsync($"/api/v1/me/coupons/{coupon}")).JsonAsync()).Str("status"));

        // distribution: a task run by the distribution-only process
        var recipients = Enumerable.Range(0, 50).Select(_ => EngineApp.NewId()).ToList();
        var task = await merchant.CreateTaskAsync(Distributions.Form(template, Distributions.CsvOfUsers(recipients)));
        var done = await merchant.UntilAsync(task, "SUCCEEDED");
        Assert.Equal(50, done.Long("processed"));
        var wallet = await (await cluster.As(CallerRole.User, recipients[7].ToString()).GetAsync("/api/v1/me/coupons")).JsonAsync();
        Assert.Contains(wallet.GetProperty("items").EnumerateArray(), c => c.Str("templateId") == template);

        // search: the settlement+search process's index, fed from NATS
        var found = await Eventually(async () =>
        {
            var response = await merchant.GetAsync($"/api/v1/search/templates?merchantId={merchantId}&q={name}");
            return response.StatusCode == HttpStatusCode.OK ? await response.JsonAsync() : default;
        }, page => page.ValueKind == JsonValueKind.Object && page.GetProperty("items").GetArrayLength() == 1, Seconds(30),
            $"template {template} in the search index");
        Assert.Equal(template, found.GetProperty("items")[0].Id());
    }

    private async Task AStormSurvivesAnEngineKilledAsync(Cluster cluster)
    {
        var merchant = cluster.As(CallerRole.Merchant, EngineApp.NewId().ToString());
        var template = (await merchant.CreateTemplateAsync(Api.ATemplate(DateTimeOffset.UtcNow, stock: Stock, perUserLimit: 1))).Id();
        var first = new ConcurrentDictionary<string, int>(); // the first answer of each claim, by status
        var duringKill = new ConcurrentDictionary<string, int>(); // first answers while engine-1 was dead
        var final = new ConcurrentDictionary<long, string?>(); // each user's coupon after its retries, null: out of stock
        var granted201 = new ConcurrentBag<string>();
        var secondKeyAnswers = new ConcurrentBag<string>();
        var killWindow = 0; // 1 from the SIGKILL until the script has engine-1 ready again
        var answered = 0;
        var outOfStock = 0;
        var restarted = (Task?)null;
        var deadFor = new Stopwatch();
        var killing = new SemaphoreSlim(1);

        // Workers claim for new users until the stock is gone and the killed instance is back: the storm lasts through
        // the kill and the restart, whatever the machine's speed.
        var workers = Enumerable.Range(0, Workers).Select(async worker =>
        {
            while (Volatile.Read(ref outOfStock) == 0 || restarted is not { IsCompleted: true })
            {
                var userId = EngineApp.NewId();
                var key = Guid.NewGuid().ToString();
                var client = cluster.As(CallerRole.User, userId.ToString());
                var firstTry = await TryClaimAsync(client, template, key);
                first.AddOrUpdate(firstTry.Label, 1, (_, n) => n + 1);
                if (Volatile.Read(ref killWindow) == 1) duringKill.AddOrUpdate(firstTry.Label, 1, (_, n) => n + 1);
                if (firstTry.Status == HttpStatusCode.Created) granted201.Add(firstTry.Coupon!);
                if (Interlocked.Increment(ref answered) == KillAfter && await killing.WaitAsync(0))
                {
                    Volatile.Write(ref killWindow, 1);
                    deadFor.Start();
                    await cluster.KillAsync("engine-1");
                    restarted = Task.Run(async () =>
                    {
                        await cluster.UpAsync(); // the script restarts what is not running and waits until it is ready
                        Volatile.Write(ref killWindow, 0);
                        deadFor.Stop();
                    });
                }
                // A client whose answer was lost or refused for now retries with the same Idempotency-Key until decided.
                var decided = firstTry.Decided ? firstTry : await Eventually(() => TryClaimAsync(client, template, key), a => a.Decided,
                    Seconds(60), $"the claim of user {userId} to be decided", every: TimeSpan.FromMilliseconds(200));
                if (decided.Status == HttpStatusCode.Created) granted201.Add(decided.Coupon!);
                if (decided.Status == HttpStatusCode.Conflict) Volatile.Write(ref outOfStock, 1);
                final[userId] = decided.Coupon;
                if (worker % 4 == 0 && decided.Coupon is not null) // a second claim of the same user, with a new key: the limit holds
                {
                    var again = await Eventually(() => TryClaimAsync(client, template, Guid.NewGuid().ToString()), a => a.Decided,
                        Seconds(60), $"the second claim of user {userId} to be decided", every: TimeSpan.FromMilliseconds(200));
                    secondKeyAnswers.Add(again.Label);
                }
            }
        }).ToArray();
        await Task.WhenAll(workers);
        Assert.NotNull(restarted);
        await restarted;

        var stored = await StoredClaims.ReadAsync(cluster.ConnectionString, template);
        var duringTotal = duringKill.Values.Sum();
        var duringErrors = duringKill.Where(s => !Answered(s.Key)).Sum(s => s.Value);
        var errorRate = duringTotal == 0 ? 0 : 100.0 * duringErrors / duringTotal;
        output.WriteLine($"first answers: {Show(first)}; while engine-1 was dead (SIGKILL until the script had it ready again, " +
            $"{deadFor.Elapsed.TotalSeconds:0.0} s): {Show(duringKill)}, error rate {errorRate:0.0}% " +
            $"of {duringTotal}; {stored.Coupons} coupons issued of {Stock} to {final.Count} users; second claims with a new key: " +
            string.Join(", ", secondKeyAnswers.GroupBy(a => a).Select(g => $"{g.Key} x{g.Count()}")));

        Assert.True(stored.ByUser.Count <= Stock, $"{stored.ByUser.Count} coupons from a stock of {Stock}");
        Assert.Equal(0, stored.UsersOverLimit);
        Assert.All(secondKeyAnswers, a => Assert.StartsWith("409", a));
        Assert.Equal(stored.Coupons, stored.Issued);
        Assert.Empty(granted201.Except(stored.Ids)); // every 201 is stored
        foreach (var (userId, coupon) in final) // every client that retried with its key got the coupon stored for it, or none was
            Assert.Equal(stored.ByUser.GetValueOrDefault(userId.ToString()), coupon);
        Assert.Equal(Stock, stored.Coupons); // nothing lost: the whole stock was issued
        Assert.True(duringKill.Where(s => Answered(s.Key)).Sum(s => s.Value) > 0,
            "no claim was decided while engine-1 was dead: the other instance did not serve");
    }

    /// <summary>A first answer that decided the claim (201, 200, 409), as opposed to an error (502, 503, none).</summary>
    private static bool Answered(string label) =>
        label.StartsWith("20", StringComparison.Ordinal) || label.StartsWith("409", StringComparison.Ordinal);

    private sealed record Attempt(HttpStatusCode? Status, string? Coupon, string Label)
    {
        public bool Decided => Status is HttpStatusCode.Created or HttpStatusCode.OK or HttpStatusCode.Conflict;
    }

    private static async Task<Attempt> TryClaimAsync(HttpClient client, string template, string key)
    {
        try
        {
            var response = await client.ClaimAsync(template, key);
            switch (response.StatusCode)
            {
                case HttpStatusCode.Created or HttpStatusCode.OK:
                    return new Attempt(response.StatusCode, (await response.JsonAsync()).Id(), ((int)response.StatusCode).ToString());
                case HttpStatusCode.Conflict:
                    var refusal = await response.JsonAsync();
                    Assert.Contains(refusal.Str("code"), new[] { "OUT_OF_STOCK", "USER_LIMIT_REACHED" });
                    return new Attempt(response.StatusCode, null, "409 " + refusal.Str("code"));
                case HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout: // the gateway's own: the instance died or hung
                    await response.AssertProblemAsync(response.StatusCode,
                        response.StatusCode == HttpStatusCode.BadGateway ? "UPSTREAM_UNAVAILABLE" : "UPSTREAM_TIMEOUT");
                    return new Attempt(response.StatusCode, null, ((int)response.StatusCode).ToString());
                default:
                    var problem = await response.AssertProblemAsync(response.StatusCode, "CLAIMS_UNAVAILABLE");
                    return new Attempt(response.StatusCode, null, $"{(int)response.StatusCode} {problem.GetProperty("code").GetString()}");
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new Attempt(null, null, "no answer");
        }
    }

    private static string Show(IDictionary<string, int> counts) =>
        string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} x{c.Value}"));
}
