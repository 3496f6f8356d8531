using Microsoft.Extensions.Options;
using PromotionEngine.Engine.Audiences;
using PromotionEngine.Kernel;
using StackExchange.Redis;

namespace PromotionEngine.Engine.Adapters.Redis;

/// <summary>
/// The Redis claim gate's copies of an audience, one per template that names it (beside the template's counters, under its hash
/// tag): a committed change of members is applied to each, in chunks of users a script takes at once.
/// </summary>
internal sealed class RedisAudienceCopies(IConnectionMultiplexer redis, IOptions<EngineOptions> options) : IAudienceCopies
{
    private const int Chunk = 5000; // well under Lua's limit on unpacked arguments

    public async Task MembersChangedAsync(AudienceId id, IReadOnlyList<long> added, IReadOnlyList<long> removed, CancellationToken ct)
    {
        var db = redis.GetDatabase();
        var prefix = options.Value.Redis.KeyPrefix;
        foreach (var template in await db.SetMembersAsync(ClaimKeys.AudienceCopies(prefix, id)))
        {
            var keys = new ClaimKeys(prefix, new TemplateId((long)template));
            RedisKey[] scriptKeys = [keys.Issued, keys.Loading, keys.AudienceMembers];
            foreach (var (op, users) in new[] { ("ADD", added), ("REMOVE", removed) })
            {
                foreach (var chunk in users.Chunk(Chunk))
                    await ClaimScripts.AudienceChanged.EvaluateAsync(db, scriptKeys, [op, .. chunk.Select(u => (RedisValue)u)]);
            }
        }
    }
}
