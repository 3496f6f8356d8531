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

    /// <summary>
    /// The counters' generation, or null when they are not loaded. A template loaded over several slices answers
    /// "&lt;slices&gt;|&lt;generation of slice 0&gt;|…" ('' for a slice not loaded): each slice is brought up on its own.
    /// </summary>
    public async Task<string?> VersionAsync(TemplateId template, CancellationToken ct)
    {
        var prefix = options.Value.Redis.KeyPrefix;
        try
        {
            var db = redis.GetDatabase();
            var slices = (int?)await db.StringGetAsync(new ClaimKeys(prefix, template).SliceCount) ?? 1;
            var generations = new List<string>();
            for (var slice = 0; slice < slices; slice++)
            {
                var keys = new ClaimKeys(prefix, template, slice);
                var result = await ClaimScripts.Version.EvaluateAsync(db, [keys.Issued, keys.Generation], []);
                generations.Add(result.IsNull ? "" : (string?)result ?? "");
            }
            if (slices == 1) return generations[0] == "" ? null : generations[0];
            return generations.All(g => g == "") ? null : $"{slices}|{string.Join('|', generations)}";
        }
        catch (RedisException e)
        {
            LogUnavailable(e, template.Value);
            return null;
        }
    }

    public async Task AddCommittedAsync(TemplateId template, string version, IReadOnlyList<UserId> users, CancellationToken ct)
    {
        var parts = version.Split('|');
        var slices = parts.Length == 1 ? ClaimSlices.One : new ClaimSlices(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture));
        var generations = parts.Length == 1 ? parts : parts[1..];
        try
        {
            // Each user's grant counts on the user's slice (its limit lives there), and in that slice's issued counter.
            foreach (var home in users.GroupBy(u => slices.HomeOf(u.Value)))
            {
                if (generations[home.Key] == "") continue; // not loaded when the batch began: its load reads the database
                var keys = new ClaimKeys(options.Value.Redis.KeyPrefix, template, home.Key);
                foreach (var part in home.Chunk(UsersPerCall))
                {
                    RedisValue[] args = [generations[home.Key], .. part.Select(u => (RedisValue)u.Value)];
                    var added = await ClaimScripts.AddDistributed
                        .EvaluateAsync(redis.GetDatabase(), [keys.Issued, keys.Users, keys.Generation], args);
                    if ((int)added == 0) break; // rebuilt meanwhile: the rebuild read the database
                }
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
