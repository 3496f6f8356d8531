using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace PromotionEngine.Engine.Adapters.Redis;

/// <summary>
/// A Lua script called by its SHA (EVALSHA): the text crosses the network only when a server does not
/// know it yet (first call, or after a restart or SCRIPT FLUSH), then never again.
/// </summary>
internal sealed class RedisScript(string text)
{
    public string Text => text;

    private readonly byte[] _sha = SHA1.HashData(Encoding.UTF8.GetBytes(text));

    public async Task<RedisResult> EvaluateAsync(IDatabase db, RedisKey[] keys, RedisValue[] args)
    {
        try
        {
            return await db.ScriptEvaluateAsync(_sha, keys, args);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await db.ScriptEvaluateAsync(text, keys, args); // EVAL loads it; the next call is EVALSHA again
        }
    }
}

internal static class ClaimScripts
{
    /// <summary>
    /// The whole claim decision in one atomic step. KEYS: issued, users, request, generation.
    /// ARGV: user, now, validFrom, validUntil, terminated, stock, perUserLimit, couponId, key memory (ms).
    /// The request key is looked at first, so a retry gets its coupon even after the window closed.
    /// </summary>
    public static readonly RedisScript Claim = new("""
        local issued = redis.call('GET', KEYS[1])
        if not issued then return {'LOAD'} end
        local prior = redis.call('GET', KEYS[3])
        if prior then return {'DUP', prior} end
        if ARGV[5] == '1' then return {'TERMINATED'} end
        local now = tonumber(ARGV[2])
        if now < tonumber(ARGV[3]) then return {'NOT_STARTED'} end
        if now >= tonumber(ARGV[4]) then return {'ENDED'} end
        if tonumber(issued) >= tonumber(ARGV[6]) then return {'OUT_OF_STOCK'} end
        local mine = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
        if mine >= tonumber(ARGV[7]) then return {'LIMIT'} end
        redis.call('INCR', KEYS[1])
        redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
        redis.call('SET', KEYS[3], ARGV[8], 'PX', ARGV[9])
        return {'OK', redis.call('GET', KEYS[4]) or '0'}
        """);

    /// <summary>
    /// Takes back a grant the database refused or could not store. KEYS: issued, users, request, generation.
    /// ARGV: user, couponId, generation of the grant. Counters are only decremented if they were not
    /// rebuilt since (a rebuild reads the database, which never saw the grant).
    /// </summary>
    public static readonly RedisScript Undo = new("""
        if redis.call('GET', KEYS[3]) == ARGV[2] then redis.call('DEL', KEYS[3]) end
        if redis.call('EXISTS', KEYS[1]) == 1 and (redis.call('GET', KEYS[4]) or '0') == ARGV[3] then
          redis.call('DECR', KEYS[1])
          redis.call('HINCRBY', KEYS[2], ARGV[1], -1)
        end
        return 1
        """);

    /// <summary>Forgets an idempotency key whose coupon was never stored (the engine died before its commit). KEYS: request. ARGV: couponId.</summary>
    public static readonly RedisScript ForgetOrphan = new("""
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """);

    /// <summary>Finishes a rebuild: the counters are live from here. KEYS: issued, generation, loading. ARGV: issued, lock token.</summary>
    public static readonly RedisScript FinishLoad = new("""
        if redis.call('GET', KEYS[3]) ~= ARGV[2] then return 0 end
        redis.call('INCR', KEYS[2])
        redis.call('SET', KEYS[1], ARGV[1])
        redis.call('DEL', KEYS[3])
        return 1
        """);
}
