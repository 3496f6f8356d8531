using System.Net;
using System.Net.Http.Headers;
using MySqlConnector;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.System.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PromotionEngine.System.Tests;

/// <summary>
/// The engine process killed (SIGKILL) in the middle of a Redis claim storm: on restart nothing is
/// over-issued, every claim that got 201 is in the database, a caller whose answer was lost gets its coupon by
/// retrying with the same Idempotency-Key, and once the counters are rebuilt the whole stock is issued exactly.
/// </summary>
[Trait("Category", "Slow")] // SIGKILLs a Host process in a claim storm
public sealed class EngineKilled(ITestOutputHelper output)
{
    private const int Stock = 200;

    [Fact]
    public async Task Killed_mid_storm_the_engine_restarts_with_nothing_over_issued_and_every_201_stored()
    {
        await using var redis = await PrivateRedis.StartAsync();
        var database = "promo_test_kill_" + Guid.NewGuid().ToString("N")[..8];
        var connectionString = new MySqlConnectionStringBuilder(MariaDbApp.ServerConnectionString) { Database = database }.ConnectionString;
        var settings = new Dictionary<string, string>
        {
            ["Promotion:Database:Provider"] = "MySql",
            ["Promotion:Database:ConnectionString"] = connectionString,
            ["Promotion:DataDirectory"] = Path.Combine(Path.GetTempPath(), database),
            ["Promotion:Auth:SigningKey"] = Convert.ToBase64String(EngineApp.SigningKey),
            ["Engine:ClaimGate"] = "Redis",
            ["Engine:Redis:Configuration"] = redis.Configuration,
        };
        try
        {
            await using var first = await HostProcess.StartAsync(settings);
            var template = await CreateTemplateAsync(first);
            var granted = new List<string>();
            var unanswered = new List<(string User, string Key)>();
            var statuses = new global::System.Collections.Concurrent.ConcurrentDictionary<HttpStatusCode, int>();
            var answered = 0;
            var killed = new TaskCompletionSource();

            var storm = Enumerable.Range(0, 600).Select(async _ =>
            {
                var (user, key) = (EngineApp.NewId().ToString(), Guid.NewGuid().ToString());
                try
                {
                    var response = await Client(first, CallerRole.User, user).ClaimAsync(template, key);
                    statuses.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        var id = (await response.JsonAsync()).Id();
                        lock (granted) granted.Add(id);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    lock (unanswered) unanswered.Add((user, key)); // the engine died under this request: its fate is unknown to the caller
                }
                if (Interlocked.Increment(ref answered) == 80) { await first.KillAsync(); killed.TrySetResult(); }
            }).ToArray();
            await Task.WhenAll(storm);
            Assert.True(killed.Task.IsCompleted, "the storm ended before the engine was killed");

            await using var second = await HostProcess.StartAsync(settings);
            var stored = await StoredClaims.ReadAsync(connectionString, template);
            Assert.True(stored.Coupons <= Stock, $"{stored.Coupons} coupons from a stock of {Stock}");
            Assert.Equal(stored.Coupons, stored.Issued);
            Assert.Equal(0, stored.UsersOverLimit);
            Assert.Empty(granted.Except(stored.Ids)); // every 201 is in the database

            // A caller whose answer was lost retries with the same key (the README says so): a claim stored before the
            // kill answers its coupon, one that was not is decided afresh; no key ever gets a second coupon.
            var retried = await Task.WhenAll(unanswered.Select(async u => (u.User, Coupon: await RetryAsync(second, template, u.User, u.Key))));
            foreach (var (user, coupon) in retried)
            {
                if (stored.ByUser.TryGetValue(user, out var kept)) Assert.Equal(kept, coupon);
            }
            var afterRetries = await StoredClaims.ReadAsync(connectionString, template);
            Assert.Equal(0, afterRetries.UsersOverLimit);
            Assert.Equal(afterRetries.Coupons, afterRetries.Issued);
            Assert.Equal(afterRetries.Coupons - stored.Coupons, retried.Count(r => r.Coupon is not null && !stored.ByUser.ContainsKey(r.User)));
            output.WriteLine($"before the kill: {string.Join(", ", statuses.Select(s => $"{(int)s.Key} x{s.Value}"))}; " +
                $"{granted.Count} claims answered 201 before the kill, {unanswered.Count} unanswered of which " +
                $"{retried.Count(r => stored.ByUser.ContainsKey(r.User))} were stored (their retry answered that coupon); " +
                $"{afterRetries.Coupons} coupons after the retries");

            // After the restart's rebuild nothing stays lost: the rest of the stock is issued, exactly.
            var rest = await Task.WhenAll(
                Enumerable.Range(0, Stock).Select(_ => Client(second, CallerRole.User, EngineApp.NewId().ToString()).ClaimAsync(template)));
            var after = await StoredClaims.ReadAsync(connectionString, template);
            Assert.Equal(Stock, after.Coupons);
            Assert.Equal(Stock, after.Issued);
            Assert.Equal(Stock - afterRetries.Coupons, rest.Count(r => r.StatusCode == HttpStatusCode.Created));
        }
        finally
        {
            await using var connection = new MySqlConnection(MariaDbApp.ServerConnectionString);
            await connection.OpenAsync();
            await new MySqlCommand($"DROP DATABASE IF EXISTS `{database}`", connection).ExecuteNonQueryAsync();
        }
    }

    private static HttpClient Client(HostProcess host, CallerRole role, string id)
    {
        var client = host.CreateClient(TimeSpan.FromSeconds(30));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", EngineApp.Tokens.Issue(role, id, TimeSpan.FromHours(1)));
        return client;
    }

    /// <summary>
    /// A claim retried with its first key until it is decided: the coupon id (200: the key's coupon, 201: a first claim), or
    /// null when the stock ran out. 503 CLAIMS_UNAVAILABLE (the key's first grant may still be stored) is retried after a pause.
    /// </summary>
    private static async Task<string?> RetryAsync(HostProcess host, string template, string user, string key)
    {
        var response = await Eventually(async () =>
        {
            var answer = await Client(host, CallerRole.User, user).ClaimAsync(template, key);
            if (answer.StatusCode == HttpStatusCode.ServiceUnavailable)
                await answer.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "CLAIMS_UNAVAILABLE");
            return answer;
        }, answer => answer.StatusCode != HttpStatusCode.ServiceUnavailable, Seconds(90), $"the claim of user {user} with key {key} to be decided",
            every: TimeSpan.FromSeconds(1)); // the Retry-After it answers
        switch (response.StatusCode)
        {
            case HttpStatusCode.OK or HttpStatusCode.Created:
                return (await response.JsonAsync()).Id();
            case HttpStatusCode.Conflict:
                await response.AssertProblemAsync(HttpStatusCode.Conflict, "OUT_OF_STOCK");
                return null;
            default:
                Assert.Fail($"A retry with the same key answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                return null;
        }
    }

    private static async Task<string> CreateTemplateAsync(HostProcess host)
    {
        var merchant = Client(host, CallerRole.Merchant, EngineApp.NewId().ToString());
        return (await merchant.CreateTemplateAsync(Api.ATemplate(DateTimeOffset.UtcNow, stock: Stock, perUserLimit: 1))).Id();
    }
}
