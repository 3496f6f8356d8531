using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PromotionEngine.Engine.Adapters.Redis;
using PromotionEngine.Engine.Claims.Admission;
using PromotionEngine.Kernel;
using StackExchange.Redis;

namespace PromotionEngine.Engine.Tests.Claims.Admission;

/// <summary>
/// With Redis, the per-user and per-address claim limits are counted there: two instances (two connections, as two processes
/// behind a gateway have) enforce one limit. Needs the Redis of the tests (PROMO_TEST_REDIS or 127.0.0.1:6379).
/// </summary>
public sealed class SharingClaimLimitsThroughRedis : IDisposable
{
    private static readonly string Configuration = Environment.GetEnvironmentVariable("PROMO_TEST_REDIS") ?? "127.0.0.1:6379";
    private readonly string _prefix = "promo-test-" + Guid.NewGuid().ToString("N")[..8];
    private readonly IConnectionMultiplexer _one = RedisSetup.Connect(new RedisClaimOptions { Configuration = Configuration });
    private readonly IConnectionMultiplexer _two = RedisSetup.Connect(new RedisClaimOptions { Configuration = Configuration });

    private RedisClaimRateLimits Instance(IConnectionMultiplexer redis, int perUser, int perIp, bool inClaimScript = true)
    {
        var admission = new AdmissionOptions
        {
            PerUser = new() { PermitLimit = perUser, Window = TimeSpan.FromHours(1) },
            PerIp = new() { PermitLimit = perIp, Window = TimeSpan.FromHours(1) },
            CountLimitsInClaimScript = inClaimScript,
        };
        return new(redis, Options.Create(admission), Options.Create(new EngineOptions { Redis = { KeyPrefix = _prefix } }),
            NullLogger<RedisClaimRateLimits>.Instance);
    }

    [Fact]
    public async Task Two_instances_enforce_one_per_user_limit()
    {
        var one = Instance(_one, perUser: 2, perIp: 0);
        var two = Instance(_two, perUser: 2, perIp: 0);
        var alice = new UserId(Random.Shared.NextInt64(1, long.MaxValue));

        Assert.Null(await one.RefusalAsync(alice, "203.0.113.1", CancellationToken.None));
        Assert.Null(await two.RefusalAsync(alice, "203.0.113.1", CancellationToken.None));
        var refused = await one.RefusalAsync(alice, "203.0.113.1", CancellationToken.None);

        Assert.Equal(ClaimLimitRefusal.PerUser, refused?.Limit);
        Assert.InRange(refused!.RetryAfter, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
        Assert.Equal(ClaimLimitRefusal.PerUser, (await two.RefusalAsync(alice, "203.0.113.1", CancellationToken.None))?.Limit);
        Assert.Null(await two.RefusalAsync(new UserId(alice.Value - 1), "203.0.113.1", CancellationToken.None));
    }

    [Fact]
    public async Task Two_instances_enforce_one_per_address_limit()
    {
        var one = Instance(_one, perUser: 0, perIp: 2);
        var two = Instance(_two, perUser: 0, perIp: 2);
        var address = $"198.51.100.{Random.Shared.Next(1, 255)}-{Guid.NewGuid():N}";

        Assert.Null(await one.RefusalAsync(new UserId(1), address, CancellationToken.None));
        Assert.Null(await two.RefusalAsync(new UserId(2), address, CancellationToken.None));

        Assert.Equal(ClaimLimitRefusal.PerIp, (await one.RefusalAsync(new UserId(3), address, CancellationToken.None))?.Limit);
        Assert.Null(await one.RefusalAsync(new UserId(3), address + "-other", CancellationToken.None));
    }

    [Fact]
    public async Task The_claim_script_counts_the_limits_in_the_counters_an_instance_counting_them_apart_spends()
    {
        var inScript = Instance(_one, perUser: 2, perIp: 3);
        var apart = Instance(_two, perUser: 2, perIp: 3, inClaimScript: false);
        var alice = new UserId(Random.Shared.NextInt64(2, long.MaxValue));
        var address = $"198.51.100.{Random.Shared.Next(1, 255)}-{Guid.NewGuid():N}";
        var alicesLimits = inScript.CountedByGate(alice, address)!;
        Assert.Equal([ClaimLimitRefusal.PerUser, ClaimLimitRefusal.PerIp], alicesLimits.Select(l => l.Limit));
        Assert.Null(apart.CountedByGate(alice, address));

        Assert.Null(await apart.RefusalAsync(alice, address, CancellationToken.None));
        Assert.Equal("LOAD", (string?)(await ClaimCountingAsync(alicesLimits))[0]); // within both: the claim is decided (no counters here)
        var overUser = await ClaimCountingAsync(alicesLimits);

        Assert.Equal(["LIMITED", "1"], overUser[..2].Select(r => (string?)r));
        Assert.InRange((long)overUser[2], (long)TimeSpan.FromMinutes(59).TotalMilliseconds, (long)TimeSpan.FromHours(1).TotalMilliseconds);
        Assert.Equal(ClaimLimitRefusal.PerIp, (await apart.RefusalAsync(new UserId(alice.Value - 1), address, CancellationToken.None))?.Limit);
        var overAddress = await ClaimCountingAsync(inScript.CountedByGate(new UserId(alice.Value - 1), address)!);
        Assert.Equal(["LIMITED", "2"], overAddress[..2].Select(r => (string?)r));
    }

    /// <summary>The claim script with the limits counted first, on a template whose counters are not loaded (LOAD when within them).</summary>
    private async Task<RedisResult[]> ClaimCountingAsync(IReadOnlyList<CountedClaimLimit> limits)
    {
        var keys = new ClaimKeys(_prefix, new TemplateId(1));
        RedisKey[] claimKeys =
            [keys.Issued, keys.Users, keys.Request(new UserId(1), new IdempotencyKey("k")), keys.Generation, keys.AudienceMembers];
        RedisValue[] claimArgs = [1, 0, 0, long.MaxValue, 0, 10, 5, 1, 60_000, "", 0];
        return (RedisResult[])(await ClaimScripts.LimitedClaim.EvaluateAsync(_one.GetDatabase(),
            [.. claimKeys, .. limits.Select(l => (RedisKey)l.Counter)],
            [.. claimArgs, limits.Count, .. limits.SelectMany(l => new RedisValue[] { (long)l.Window.TotalMilliseconds, l.Permits })]))!;
    }

    public void Dispose()
    {
        var server = _one.GetServers()[0];
        foreach (var key in server.Keys(pattern: _prefix + ":*")) _one.GetDatabase().KeyDelete(key);
        _one.Dispose();
        _two.Dispose();
    }
}
