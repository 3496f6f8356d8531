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

#pragma warning disable CA5350 // Redis names a loaded script by its SHA-1 (EVALSHA): an identifier, not a security measure
    private readonly byte[] _sha = SHA1.HashData(Encoding.UTF8.GetBytes(text));
#pragma warning restore CA5350

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

internal static partial class ClaimScripts
{
    /// <summary>
    /// The whole claim decision in one atomic step. KEYS: issued, users, request, generation, audience members, then one per
    /// limited period. ARGV: user, now, validFrom, validUntil, terminated, stock, perUserLimit, couponId, key memory (ms), audience
    /// id ('' for none), then the per-period section's own (<see cref="RedisClaimGate"/>).
    /// The request key is looked at first, so a retry gets its coupon even after the window closed; it
    /// holds "couponId:generation" so an orphaned grant can be taken back from the counters it went into.
    /// The lifetime limit is checked before the per-period limits, and those before stock, as the database gate does.
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
        -- ---- audiences (docs/audiences.md): a template for an audience grants only its members (KEYS[5], loaded with the counters)
        -- A copy holding the mark '0' (never a user id) is of an audience that is everyone but the users it holds (a rule with a negation).
        -- Both asked in one SMISMEMBER (the user, then the mark).
        if (ARGV[10] or '') ~= '' then
          local held = redis.call('SMISMEMBER', KEYS[5], ARGV[1], '0')
          if held[1] == held[2] then return {'NOT_IN_AUDIENCE'} end
        end
        -- ---- end of audiences
        local mine = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
        if mine >= tonumber(ARGV[7]) then return {'LIMIT'} end

        -- ---- per-period limits (day, ISO week, month of the template's time zone): check ----
        -- KEYS[6..]: one hash per limited period, user -> claims, field '_gen' = the counters' generation it was loaded under
        -- (another generation: stale, reload it from the database), both read in one HMGET. ARGV[11]: how many; then each one's
        -- limit. The hash's expiry (after the period's end) is set by the period's load (PeriodScripts.FinishLoad).
        local periods = tonumber(ARGV[11] or '0')
        local gen = redis.call('GET', KEYS[4]) or '0'
        for i = 1, periods do
          local period = redis.call('HMGET', KEYS[5 + i], '_gen', ARGV[1])
          if period[1] ~= gen then return {'LOAD_PERIOD', tostring(i)} end
          if tonumber(period[2] or '0') >= tonumber(ARGV[11 + i]) then return {'PERIOD', tostring(i)} end
        end
        -- ---- end of per-period limits: check ----

        if tonumber(issued) >= tonumber(ARGV[6]) then return {'OUT_OF_STOCK'} end
        redis.call('INCR', KEYS[1])
        redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
        redis.call('SET', KEYS[3], ARGV[8] .. ':' .. gen, 'PX', ARGV[9])

        -- ---- per-period limits: count the grant ----
        -- Each hash was checked above to hold this generation, so it exists, with the expiry its load gave it (a script sees no key
        -- expire while it runs): counting needs no PEXPIREAT of its own.
        for i = 1, periods do
          redis.call('HINCRBY', KEYS[5 + i], ARGV[1], 1)
        end
        -- ---- end of per-period limits: count ----

        return {'OK', gen}
        """);

    /// <summary>
    /// <see cref="Claim"/> with the per-user and per-address claim limits counted first, in the same call (a single Redis only: the
    /// limits' counters are on other Cluster slots than the template's). KEYS and ARGV: <see cref="Claim"/>'s, then one counter per
    /// limit; after the per-period section, how many limits, then each one's window (ms) and permits. Every limit is counted, as
    /// <see cref="RedisClaimRateLimits"/> counts them apart; over one, the claim is not decided: LIMITED, which limit (1-based),
    /// and the ms until its window ends.
    /// </summary>
    public static readonly RedisScript LimitedClaim = new("""
        local limitKeys = 5 + tonumber(ARGV[11])
        local limitArgs = 11 + tonumber(ARGV[11])
        local over = nil
        for j = 1, tonumber(ARGV[limitArgs + 1]) do
          local counter, window = KEYS[limitKeys + j], ARGV[limitArgs + 2 * j]
          local n = redis.call('INCR', counter)
          if n == 1 then redis.call('PEXPIRE', counter, window) end
          if not over and n > tonumber(ARGV[limitArgs + 2 * j + 1]) then
            local ttl = redis.call('PTTL', counter)
            if ttl < 0 then redis.call('PEXPIRE', counter, window); ttl = tonumber(window) end
            over = {'LIMITED', tostring(j), ttl}
          end
        end
        if over then return over end
        """ + "\n" + Claim.Text);

    /// <summary>
    /// Takes back a grant the database refused, could not store, or never received (the engine died).
    /// KEYS: issued, users, request, generation, audience members, then the claim's period keys. ARGV: user, request value ("couponId:generation"),
    /// generation of the grant. Counters are only decremented if they were not rebuilt since: a rebuild
    /// reads the database, which never saw the grant, and gets a generation of its own.
    /// </summary>
    public static readonly RedisScript Undo = new("""
        if redis.call('GET', KEYS[3]) == ARGV[2] then redis.call('DEL', KEYS[3]) end
        if redis.call('EXISTS', KEYS[1]) == 1 and (redis.call('GET', KEYS[4]) or '') == ARGV[3] then
          redis.call('DECR', KEYS[1])
          redis.call('HINCRBY', KEYS[2], ARGV[1], -1)
        end

        -- ---- per-period limits: take the grant back from each period loaded under its generation ----
        for i = 6, #KEYS do
          if redis.call('HGET', KEYS[i], '_gen') == ARGV[3] then redis.call('HINCRBY', KEYS[i], ARGV[1], -1) end
        end
        -- ---- end of per-period limits ----

        return 1
        """);

    /// <summary>
    /// The database refused what Redis allowed (the cache is behind): raise the cache to what the database
    /// proved, so the next claims are refused in Redis instead of each costing a database round.
    /// KEYS: issued, users. ARGV: what ("STOCK" or "LIMIT"), user, stock, perUserLimit.
    /// </summary>
    public static readonly RedisScript CatchUp = new("""
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        if ARGV[1] == 'STOCK' then
          if tonumber(redis.call('GET', KEYS[1])) < tonumber(ARGV[3]) then redis.call('SET', KEYS[1], ARGV[3]) end
        else
          if tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0') < tonumber(ARGV[4]) then redis.call('HSET', KEYS[2], ARGV[2], ARGV[4]) end
        end
        return 1
        """);

    /// <summary>Deletes a key only if it still holds the given value (a lock released by its owner). KEYS: key. ARGV: value.</summary>
    public static readonly RedisScript DeleteIfEquals = new("""
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """);

    /// <summary>
    /// Finishes a rebuild, only for the loader still holding the lock: the freshly built users hash
    /// replaces the live one, the generation becomes the loader's own token (unique, so an Undo of a grant
    /// made before the rebuild never matches), and the marker makes the counters live.
    /// KEYS: issued, generation, loading, users, users being built. ARGV: issued, lock token.
    /// </summary>
    public static readonly RedisScript FinishLoad = new("""
        if redis.call('GET', KEYS[3]) ~= ARGV[2] then
          redis.call('DEL', KEYS[5])
          return 0
        end
        if redis.call('EXISTS', KEYS[5]) == 1 then redis.call('RENAME', KEYS[5], KEYS[4]) else redis.call('DEL', KEYS[4]) end
        redis.call('SET', KEYS[2], ARGV[2])
        redis.call('SET', KEYS[1], ARGV[1])
        redis.call('DEL', KEYS[3])
        return 1
        """);

    /// <summary>
    /// The counters' generation if they are loaded, else nil: read before a distribution batch commits, so its
    /// grants are added afterwards only to the counters it was decided beside. KEYS: issued, generation.
    /// </summary>
    public static readonly RedisScript Version = new("""
        if redis.call('EXISTS', KEYS[1]) == 0 then return false end
        return redis.call('GET', KEYS[2]) or '0'
        """);

    /// <summary>
    /// Adds grants committed by a distribution batch to the cached counters, only if they are still the
    /// generation read before the commit: a rebuild since then read the database itself, and adding again
    /// would count the grants twice (claims refused wrongly). A rebuild still running replaces what this adds.
    /// KEYS: issued, users, generation. ARGV: generation, users granted one coupon each.
    /// </summary>
    public static readonly RedisScript AddDistributed = new("""
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        if (redis.call('GET', KEYS[3]) or '0') ~= ARGV[1] then return 0 end
        redis.call('INCRBY', KEYS[1], #ARGV - 1)
        for i = 2, #ARGV do redis.call('HINCRBY', KEYS[2], ARGV[i], 1) end
        return 1
        """);
}
