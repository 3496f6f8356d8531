namespace PromotionEngine.Engine.Adapters.Redis;

/// <summary>The scripts that keep a template's copy of its audience (docs/audiences.md); the claim script only reads it.</summary>
internal static partial class ClaimScripts
{
    /// <summary>
    /// Puts a rebuilt copy of the audience in place, only for the loader still holding the template's lock, before the counters'
    /// marker is set (<see cref="FinishLoad"/>): until then claims wait for the load. KEYS: loading, audience members, members being
    /// built. ARGV: lock token.
    /// </summary>
    public static readonly RedisScript FinishAudienceLoad = new("""
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then
          redis.call('DEL', KEYS[3])
          return 0
        end
        if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('RENAME', KEYS[3], KEYS[2]) else redis.call('DEL', KEYS[2]) end
        return 1
        """);

    /// <summary>
    /// Keeps the template's load lock while a large audience is copied (a copy of millions outlasts the lock's 30 s), only for
    /// its holder. KEYS: loading. ARGV: lock token, milliseconds.
    /// </summary>
    public static readonly RedisScript ExtendLoad = new("""
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return 0
        """);

    /// <summary>
    /// Applies a committed change of members to one template's copy. A rebuild in progress may have read the members before the
    /// change: it is called off (its lock and the marker dropped), and the next claim loads again. Without a live copy there is
    /// nothing to change. KEYS: issued, loading, audience members. ARGV: ADD or REMOVE, then the users.
    /// </summary>
    public static readonly RedisScript AudienceChanged = new("""
        if redis.call('EXISTS', KEYS[2]) == 1 then
          redis.call('DEL', KEYS[2])
          redis.call('DEL', KEYS[1])
          return 0
        end
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        if ARGV[1] == 'ADD' then
          redis.call('SADD', KEYS[3], unpack(ARGV, 2))
        else
          redis.call('SREM', KEYS[3], unpack(ARGV, 2))
        end
        return 1
        """);

    /// <summary>
    /// Puts one user right in a template's copy after the database decided (the claim gate's correction): MEMBER or STRANGER, held
    /// or left out by the copy's own meaning (a copy marked <see cref="ExcludingMark"/> holds whom its audience leaves out). Without a
    /// live copy, or while it is rebuilt, nothing changes. KEYS: issued, loading, audience members. ARGV: MEMBER or STRANGER, user.
    /// </summary>
    public static readonly RedisScript CorrectAudience = new("""
        if redis.call('EXISTS', KEYS[2]) == 1 or redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        local hold = (ARGV[1] == 'MEMBER') ~= (redis.call('SISMEMBER', KEYS[3], '0') == 1)
        if hold then redis.call('SADD', KEYS[3], ARGV[2]) else redis.call('SREM', KEYS[3], ARGV[2]) end
        return 1
        """);

    /// <summary>The member a copy holds when its audience is everyone but the users it holds: 0, never a user id.</summary>
    public const long ExcludingMark = 0;
}
