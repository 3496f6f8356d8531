namespace PromotionEngine.Engine.Adapters.Redis;

/// <summary>
/// Slices (docs/redis-cluster.md): a slice whose share of the stock is gone borrows one unit from another. The lender counts the unit
/// as issued (<see cref="Lend"/>), then the borrower counts one less (<see cref="Credit"/>): the sum of the slices' issued counters,
/// which never passes the sum of their shares (the stock), does not move. Each script touches one slice, so one slot.
/// </summary>
internal static partial class ClaimScripts
{
    /// <summary>
    /// Lends one unit of the slice's share if it has one left. KEYS: the lender's issued. ARGV: the lender's share.
    /// Answers LOAD (the slice's counters are not loaded), DRY (nothing left) or LENT.
    /// </summary>
    public static readonly RedisScript Lend = new("""
        local issued = redis.call('GET', KEYS[1])
        if not issued then return 'LOAD' end
        if tonumber(issued) >= tonumber(ARGV[1]) then return 'DRY' end
        redis.call('INCR', KEYS[1])
        return 'LENT'
        """);

    /// <summary>
    /// Takes one unit into the slice (a borrower's, or back into a lender whose borrower was not loaded): its issued counter goes one
    /// down, if its counters are loaded (a slice loaded later reads the database, which never saw the unit). KEYS: issued. Answers 1 or 0.
    /// </summary>
    public static readonly RedisScript Credit = new("""
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        redis.call('DECR', KEYS[1])
        return 1
        """);
}
