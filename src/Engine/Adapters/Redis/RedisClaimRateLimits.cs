using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PromotionEngine.Engine.Claims.Admission;
using PromotionEngine.Kernel;
using StackExchange.Redis;

namespace PromotionEngine.Engine.Adapters.Redis;

/// <summary>
/// The per-user and per-address claim limits counted in Redis, so every instance spends one limit. Keys, apart from the claim
/// script's: <c>{prefix}:claim-limit:user:{userId}</c> and <c>{prefix}:claim-limit:ip:{address}</c>, each a counter living one
/// window from the first claim it counts. On a single Redis the claim script counts them (<see cref="CountedByGate"/>): one round
/// trip per claim. On a Redis Cluster, one script call per limit in force, sent together before the claim's (one round trip more);
/// each touches one key, on its own slot. When Redis cannot answer, the limit lets the claim through: the claim gate, on the
/// same Redis, answers it 503 anyway, and the database is the truth.
/// </summary>
internal sealed partial class RedisClaimRateLimits(
    IConnectionMultiplexer redis, IOptions<AdmissionOptions> options, IOptions<EngineOptions> engine, ILogger<RedisClaimRateLimits> log)
    : IClaimRateLimits
{
    /// <summary>KEYS: the counter. ARGV: window (ms), limit. Returns -1 within the limit, else the ms until the window ends.</summary>
    private static readonly RedisScript Count = new("""
        local n = redis.call('INCR', KEYS[1])
        if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        if n <= tonumber(ARGV[2]) then return -1 end
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
        return ttl
        """);

    private readonly string _prefix = engine.Value.Redis.KeyPrefix + ":claim-limit:";

    public async Task<ClaimLimitRefusal?> RefusalAsync(UserId user, string? clientAddress, CancellationToken ct)
    {
        var o = options.Value;
        var perUser = o.PerUser.PermitLimit > 0
            ? CountAsync(UserCounter(user), o.PerUser) : null;
        var perIp = o.PerIp.PermitLimit > 0 && clientAddress is not null ? CountAsync(_prefix + "ip:" + clientAddress, o.PerIp) : null;
        try
        {
            if (perUser is not null && await perUser is { } userWait) return new ClaimLimitRefusal(ClaimLimitRefusal.PerUser, userWait);
            if (perIp is not null && await perIp is { } ipWait) return new ClaimLimitRefusal(ClaimLimitRefusal.PerIp, ipWait);
            return null;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogUncounted(log, e);
            return null;
        }
        finally
        {
            // The other call, when one refused first, is still answered: observe it so its failure is not unobserved.
            if (perIp is not null) _ = perIp.ContinueWith(t => t.Exception, TaskScheduler.Default);
        }
    }

    private bool? _cluster;

    /// <summary>
    /// On a single Redis (once connected), the limits in force, for the claim script to count (<see cref="ClaimScripts.LimitedClaim"/>):
    /// one round trip per claim. On a cluster their counters are on other slots than the template's keys, so they are counted apart.
    /// </summary>
    public IReadOnlyList<CountedClaimLimit>? CountedByGate(UserId user, string? clientAddress)
    {
        var o = options.Value;
        if (!o.CountLimitsInClaimScript || (_cluster ??= RedisSetup.IsCluster(redis)) is not false) return null;
        var perUser = o.PerUser.PermitLimit > 0;
        var perIp = o.PerIp.PermitLimit > 0 && clientAddress is not null;
        if (!perUser && !perIp) return [];
        var counted = new List<CountedClaimLimit>(2);
        if (perUser)
            counted.Add(new(ClaimLimitRefusal.PerUser, UserCounter(user), o.PerUser.Window, o.PerUser.PermitLimit));
        if (perIp) counted.Add(new(ClaimLimitRefusal.PerIp, _prefix + "ip:" + clientAddress, o.PerIp.Window, o.PerIp.PermitLimit));
        return counted;
    }

    private string UserCounter(UserId user) => _prefix + "user:" + user.Value.ToString(CultureInfo.InvariantCulture);

    private async Task<TimeSpan?> CountAsync(string key, ClaimWindowLimit limit)
    {
        var window = (long)limit.Window.TotalMilliseconds;
        var waitMs = (long)await Count.EvaluateAsync(redis.GetDatabase(), [key], [window, limit.PermitLimit]);
        return waitMs < 0 ? null : TimeSpan.FromMilliseconds(waitMs);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The claim limits could not be counted in Redis; the claim goes on to the gate")]
    private static partial void LogUncounted(ILogger log, Exception e);
}
