using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PromotionEngine.Engine.Distribution;
using PromotionEngine.Kernel;
using StackExchange.Redis;

namespace PromotionEngine.Engine.Adapters.Redis;

/// <summary>
/// Keeps the Redis claim counters up with coupons a distribution task issued, so claims after it are decided
/// in Redis on counts that include them (instead of each being refused by the database's re-check and caught
/// up one by one). Redis trouble is logged, never thrown: the batch has committed, and counters that lag
/// behind the database only cost the claim path a fallback, they never over-issue.
/// </summary>
internal sealed partial class RedisClaimCounterCache(
    IConnectionMultiplexer redis, IOptions<EngineOptions> options, ILogger<RedisClaimCounterCache> log)
    : IClaimCounterCache
{
    private const int UsersPerCall = 2000;

    public async Task<string?> VersionAsync(TemplateId template, CancellationToken ct)
    {
        var keys = new ClaimKeys(options.Value.Redis.KeyPrefix, template);
        try
        {
            var result = await ClaimScripts.Version.EvaluateAsync(redis.GetDatabase(), [keys.Issued, keys.Generation], []);
            return result.IsNull ? null : (string?)result;
        }
        catch (RedisException e)
        {
            LogUnavailable(e, template.Value);
            return null;
        }
    }

    public async Task AddCommittedAsync(TemplateId template, string version, IReadOnlyList<UserId> users, CancellationToken ct)
    {
        var keys = new ClaimKeys(options.Value.Redis.KeyPrefix, template);
        try
        {
            foreach (var part in users.Chunk(UsersPerCall))
            {
                RedisValue[] args = [version, .. part.Select(u => (RedisValue)u.Value)];
                var added = await ClaimScripts.AddDistributed.EvaluateAsync(redis.GetDatabase(), [keys.Issued, keys.Users, keys.Generation], args);
                if ((int)added == 0) return; // rebuilt meanwhile: the rebuild read the database
            }
        }
        catch (RedisException e)
        {
            LogUnavailable(e, template.Value);
        }
    }

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Redis claim counters of template {Template} not brought up with distributed coupons; claims catch up from the database")]
    private partial void LogUnavailable(Exception error, long template);
}
