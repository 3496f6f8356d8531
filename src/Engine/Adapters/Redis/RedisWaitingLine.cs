using System.Globalization;
using Microsoft.Extensions.Options;
using PromotionEngine.Engine.Claims;
using PromotionEngine.Engine.Claims.WaitingRoom;
using PromotionEngine.Kernel;
using StackExchange.Redis;

namespace PromotionEngine.Engine.Adapters.Redis;

/// <summary>
/// The waiting rooms' lines in Redis, shared by every instance (docs/waiting-room.md): per template a counter (the last number
/// given) and a hash of user to number, both under the hash tag {wr:&lt;id&gt;} so one script touching them runs on one Cluster slot.
/// Apart from the claim keys ({t:&lt;id&gt;}): a counter rebuild never touches a line.
/// </summary>
internal sealed class RedisWaitingLine(IConnectionMultiplexer redis, IOptions<EngineOptions> options) : IWaitingLine
{
    /// <summary>
    /// KEYS: last number, users. ARGV: user, first usable number, keep-until (unix ms). The user's number when it is still usable,
    /// else the next one; both keys expire at keep-until. Returns {number, 1 when new}.
    /// </summary>
    public static readonly RedisScript Take = new("""
        local held = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
        if held >= tonumber(ARGV[2]) then return {held, 0} end
        local number = redis.call('INCR', KEYS[1])
        redis.call('HSET', KEYS[2], ARGV[1], number)
        redis.call('PEXPIREAT', KEYS[1], ARGV[3])
        redis.call('PEXPIREAT', KEYS[2], ARGV[3])
        return {number, 1}
        """);

    private readonly string _prefix = options.Value.Redis.KeyPrefix;

    public async Task<TakenNumber> TakeAsync(TemplateId template, UserId user, long firstUsable, DateTimeOffset keepUntil, CancellationToken ct)
    {
        var tagged = $"{_prefix}:{{wr:{template.Value.ToString(CultureInfo.InvariantCulture)}}}";
        try
        {
            var result = (RedisResult[])(await Take.EvaluateAsync(redis.GetDatabase(), [tagged + ":last", tagged + ":users"],
                [user.Value, firstUsable, keepUntil.ToUnixTimeMilliseconds()]))!;
            return new TakenNumber((long)result[0], (long)result[1] == 1);
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException)
        {
            throw new ClaimsUnavailableException("The waiting room's line in Redis cannot be reached.", e);
        }
    }
}
