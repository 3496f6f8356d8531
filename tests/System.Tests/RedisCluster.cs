using System.Net;
using PromotionEngine.System.Tests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace PromotionEngine.System.Tests;

/// <summary>A hot template's stock split over slices on different slots of a real Redis Cluster (docs/redis-cluster.md).</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class SlicedClaimsOnRedisCluster(RedisClusterApp app) : IClassFixture<RedisClusterApp>
{
    private readonly HttpClient _merchant = app.AsMerchant(EngineApp.NewId());

    internal static string SliceKey(string prefix, string template, int slice, string name) =>
        slice == 0 ? $"{prefix}:{{t:{template}}}:{name}" : $"{prefix}:{{t:{template}:s:{slice}}}:{name}";

    private static async Task<HttpResponseMessage[]> AllAtOnceAsync(IReadOnlyList<HttpClient> users, string template)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = users.Select(async u => { await start.Task; return await u.ClaimAsync(template); }).ToArray();
        start.SetResult();
        return await Task.WhenAll(calls);
    }

    [Fact]
    public async Task A_template_of_sixty_is_sold_out_exactly_over_three_slices_on_three_slots_each_lending_to_the_others()
    {
        var template = (await _merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow(), stock: 60, perUserLimit: 1))).Id();
        var users = Enumerable.Range(0, 150).Select(_ => app.AsUser(EngineApp.NewId())).ToArray();

        var responses = await AllAtOnceAsync(users, template);

        Assert.Equal(60, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            await refused.AssertProblemAsync(HttpStatusCode.Conflict, "OUT_OF_STOCK");
        var stored = await StoredClaims.ReadAsync(app.ConnectionString, template);
        Assert.Equal((60L, 60L, 0L), (stored.Coupons, stored.Issued, stored.UsersOverLimit));

        await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisClusterApp.ClusterConfiguration);
        var markers = Enumerable.Range(0, 3).Select(s => SliceKey(app.KeyPrefix, template, s, "issued")).ToArray();
        var slots = markers.Select(k => redis.HashSlot(k)).ToHashSet();
        Assert.Equal(3, slots.Count);
        // Each slice counts what it granted and lent: together exactly the stock, and every slice dry.
        var issued = new List<long>();
        foreach (var marker in markers) issued.Add((long)await redis.GetDatabase().StringGetAsync(marker));
        Assert.Equal(60, issued.Sum());
        Assert.All(issued, count => Assert.True(count >= 20, $"a slice still has stock: {string.Join(", ", issued)}"));
    }

    [Fact]
    public async Task After_a_rebuild_the_slices_are_reloaded_from_the_database_and_grant_exactly_what_is_left()
    {
        var template = (await _merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow(), stock: 60, perUserLimit: 1))).Id();
        var first = Enumerable.Range(0, 25).Select(_ => app.AsUser(EngineApp.NewId())).ToArray();
        Assert.All(await AllAtOnceAsync(first, template), r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));

        var rebuilt = await app.AsOperator().PostAsync($"/api/v1/operator/claim-counters/rebuild?templateId={template}", null);
        Assert.Equal(HttpStatusCode.OK, rebuilt.StatusCode);
        // Users who claimed before the rebuild are still at their limit, whichever slice they live on.
        foreach (var user in first) await (await user.ClaimAsync(template)).AssertProblemAsync(HttpStatusCode.Conflict, "USER_LIMIT_REACHED");
        var more = Enumerable.Range(0, 60).Select(_ => app.AsUser(EngineApp.NewId())).ToArray();
        var responses = await AllAtOnceAsync(more, template);

        Assert.Equal(35, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        var stored = await StoredClaims.ReadAsync(app.ConnectionString, template);
        Assert.Equal((60L, 60L, 0L), (stored.Coupons, stored.Issued, stored.UsersOverLimit));
    }
}

/// <summary>
/// The failover drill: one master of the cluster is killed (by the PID scripts/services.sh recorded) while users claim; its replica
/// takes over, claims continue, and the database (the truth) holds no coupon over the stock and no user with two.
/// </summary>
[Collection(RedisClusterCollection.Name)]
[Trait("Category", "Slow")] // kills a master of the shared cluster and waits for the failover, then starts the node again
public sealed class RedisClusterFailover(ITestOutputHelper output)
{
    private const int Stock = 150;
    private const int Users = 200;

    [Fact]
    public async Task A_master_killed_mid_sale_is_replaced_by_its_replica_and_nothing_is_issued_twice_or_over_the_stock()
    {
        var app = new RedisClusterApp();
        await app.InitializeAsync();
        try
        {
            var template = (await app.AsMerchant(EngineApp.NewId())
                .CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow(), stock: Stock, perUserLimit: 1))).Id();
            var users = Enumerable.Range(0, Users).Select(i => (Client: app.AsUser(EngineApp.NewId()), Key: $"drill-{i}")).ToArray();
            var outcome = new (HttpStatusCode Status, string? Coupon, string? Code)?[Users];

            var unavailable = 0;
            async Task ClaimRoundAsync(IEnumerable<int> who) => await Task.WhenAll(who.Select(async i =>
            {
                var response = await users[i].Client.ClaimAsync(template, users[i].Key);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    Interlocked.Increment(ref unavailable);
                    return; // asked again in a later round
                }
                var body = await response.JsonAsync();
                var coupon = response.IsSuccessStatusCode ? body.Id() : null;
                if (outcome[i] is { Coupon: { } earlier } && coupon != earlier)
                    throw new Xunit.Sdk.XunitException($"user {i}'s key answered coupon {earlier}, then {coupon}");
                outcome[i] = (response.StatusCode, coupon, response.IsSuccessStatusCode ? null : body.Str("code"));
            }));

            // A third of the users claim before the kill.
            await ClaimRoundAsync(Enumerable.Range(0, Users / 3));
            var before = outcome.Count(o => o is not null);
            var (port, pid) = await MasterOfAsync(SlicedClaimsOnRedisCluster.SliceKey(app.KeyPrefix, template, 0, "issued"));
            global::System.Diagnostics.Process.GetProcessById(pid).Kill();

            // The rest claim during and after the failover; 503 is asked again until each user has an answer. Grants whose reply
            // the dead master took along are orphans: they are taken back once 30 s old (the app's clock is moved past that).
            await Eventually(async () =>
            {
                await ClaimRoundAsync(Enumerable.Range(0, Users).Where(i => outcome[i] is null));
                return outcome.Count(o => o is null);
            }, waiting => waiting == 0, Seconds(90), "every user's claim to be decided after the failover", every: TimeSpan.FromMilliseconds(200),
                between: () => app.Clock.Advance(TimeSpan.FromSeconds(31)));

            var (newPort, _) = await MasterOfAsync(SlicedClaimsOnRedisCluster.SliceKey(app.KeyPrefix, template, 0, "issued"));
            Assert.NotEqual(port, newPort); // the replica took over
            var stored = await StoredClaims.ReadAsync(app.ConnectionString, template);
            output.WriteLine($"killed master :{port} (pid {pid}) after {before} claims; its replica :{newPort} took over; " +
                $"{unavailable} answers 503 on the way; {stored.Coupons} coupons stored of {Stock}");
            var granted = outcome.Where(o => o!.Value.Coupon is not null).Select(o => o!.Value.Coupon!).ToList();
            Assert.Equal(granted.Count, granted.Distinct().Count());
            Assert.True(stored.Coupons <= Stock, $"{stored.Coupons} coupons stored for a stock of {Stock}");
            Assert.Equal(stored.Coupons, stored.Issued);
            Assert.Equal(0, stored.UsersOverLimit);
            Assert.Equal(stored.Ids, granted.ToHashSet()); // every stored coupon was answered, and nothing answered is missing
            Assert.All(outcome.Where(o => o!.Value.Coupon is null), o => Assert.Equal("OUT_OF_STOCK", o!.Value.Code));
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
            // The killed node is started again and rejoins as a replica, so the next run finds a healthy cluster.
            var repaired = await Scripts.RunAsync(Seconds(120), "scripts/services.sh", "start", "redis-cluster");
            Assert.True(repaired.ExitCode == 0, repaired.Output);
        }
    }

    /// <summary>The master serving <paramref name="key"/>'s slot, and its PID as scripts/services.sh recorded it.</summary>
    private static async Task<(int Port, int Pid)> MasterOfAsync(string key)
    {
        return await Eventually(async () =>
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisClusterApp.ClusterConfiguration + ",abortConnect=false");
            // Any node still up knows the cluster's map (the first one named may be the master just killed).
            var config = redis.GetServers().Where(s => s.IsConnected).Select(s => s.ClusterConfiguration).FirstOrDefault(c => c is not null);
            if (config?.GetBySlot(key) is not { IsReplica: false, IsConnected: true, EndPoint: IPEndPoint endPoint }) return (Port: 0, Pid: 0);
            var pidFile = Path.Combine(RedisClusterApp.ServicesDirectory, $"redis-cluster-{endPoint.Port}.pid");
            return (Port: endPoint.Port, Pid: File.Exists(pidFile) ? int.Parse(File.ReadAllText(pidFile).Trim()) : 0);
        }, m => m.Pid > 0, Seconds(30), $"a connected master for {key} with a PID file");
    }
}
