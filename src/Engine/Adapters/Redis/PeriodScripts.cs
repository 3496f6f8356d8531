namespace PromotionEngine.Engine.Adapters.Redis;

/// <summary>The per-period limits' own scripts (the claim and undo scripts count periods in sections of their own).</summary>
internal static class PeriodScripts
{
    /// <summary>
    /// Makes a period's counts, built aside from the database, the live ones: only if the counters' generation is still the one
    /// read before the database was, and no other loader made the period live for it meanwhile (its grants would be lost).
    /// KEYS: period, period being built, generation. ARGV: generation, expiry (epoch ms).
    /// </summary>
    public static readonly RedisScript FinishLoad = new("""
        if (redis.call('GET', KEYS[3]) or '0') ~= ARGV[1] or redis.call('HGET', KEYS[1], '_gen') == ARGV[1] then
          redis.call('DEL', KEYS[2])
          return 0
        end
        redis.call('RENAME', KEYS[2], KEYS[1])
        redis.call('PEXPIREAT', KEYS[1], ARGV[2])
        return 1
        """);

    /// <summary>
    /// The database refused a claim for a period Redis allowed (the cache is behind): raise the user's count to the limit the
    /// database proved, so the next claims are refused in Redis. KEYS: period. ARGV: user, limit.
    /// </summary>
    public static readonly RedisScript CatchUp = new("""
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        if tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0') < tonumber(ARGV[2]) then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
        return 1
        """);
}
