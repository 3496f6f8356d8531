using PromotionEngine.Contracts.MerchantAdmin;

namespace PromotionEngine.Engine.Adapters.Redis;

/// <summary>
/// A template's stock split over <see cref="Count"/> slices, each under a hash tag of its own (so on its own Redis Cluster slot).
/// Slice s holds the share <see cref="ShareOf"/> of the stock and the per-user counters, idempotency keys and per-period counts of the
/// users whose home it is (<see cref="HomeOf"/>): a claim is decided whole on its user's slice, in one script, as with one slice.
/// When that slice's share is gone it borrows one unit from another slice (<see cref="ClaimScripts.Lend"/>, then
/// <see cref="ClaimScripts.Credit"/>) and decides again. The protocol and why it never over-issues: docs/redis-cluster.md.
/// </summary>
internal readonly record struct ClaimSlices(int Count)
{
    public static readonly ClaimSlices One = new(1);

    /// <summary>
    /// How many slices the template has: its own setting, else, on a Redis Cluster, one per <see cref="RedisSliceOptions.StockPerSlice"/>,
    /// at most <see cref="RedisSliceOptions.Max"/> (on a single Redis one: slices there would share one server and gain nothing).
    /// A template for an audience has one: its members' copy is kept once, beside slice 0.
    /// </summary>
    public static ClaimSlices For(CouponTemplateSnapshot template, RedisSliceOptions options, bool cluster = true)
    {
        if (template.Audience is not null) return One;
        var max = Math.Clamp(options.Max, 1, RedisSliceOptions.MaxSlices);
        if (options.Templates.TryGetValue(template.Id.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), out var named))
            return new ClaimSlices(Math.Clamp(named, 1, max));
        if (!cluster) return One;
        var perSlice = Math.Max(1, options.StockPerSlice);
        var wanted = template.Stock <= perSlice ? 1 : (template.Stock - 1) / perSlice + 1;
        return new ClaimSlices((int)Math.Min(wanted, max));
    }

    /// <summary>
    /// The user's home slice, the same in every process (a fixed mix of the id, never <see cref="HashCode"/>, which is seeded per
    /// process). Ids are time-ordered with a per-millisecond sequence in their low bits, hence the mix.
    /// </summary>
    public int HomeOf(long user)
    {
        if (Count == 1) return 0;
        var mixed = unchecked((ulong)user * 0x9E3779B97F4A7C15UL);
        return (int)((mixed >> 32) % (ulong)Count);
    }

    /// <summary>The slice's share of the stock: the stock divided evenly, the first slices one more each for the remainder.</summary>
    public long ShareOf(int slice, long stock)
    {
        var stockOrNone = Math.Max(0, stock);
        return stockOrNone / Count + (slice < stockOrNone % Count ? 1 : 0);
    }

    /// <summary>The slices asked, in turn, to lend to <paramref name="home"/>: every other one, starting after it.</summary>
    public IReadOnlyList<int> LendersTo(int home)
    {
        var count = Count;
        return Enumerable.Range(1, count - 1).Select(i => (home + i) % count).ToList();
    }

    /// <summary>
    /// What each of the <paramref name="missing"/> slices counts as issued when loaded from the database: what the database issued
    /// beyond what the <paramref name="present"/> (live) slices count, never below nothing, filled into each missing slice up to its
    /// share; the last one takes what is left beyond the shares. The live slices' counts were read after the database, so this
    /// never counts more than was issued from the missing slices: Redis errs towards granting, which the database re-checks.
    /// </summary>
    public IReadOnlyDictionary<int, long> Distribute(
        long issued, long stock, IReadOnlyDictionary<int, long> present, IReadOnlyList<int> missing)
    {
        var left = Math.Max(0, issued - present.Values.Sum());
        var loaded = new Dictionary<int, long>();
        for (var i = 0; i < missing.Count; i++)
        {
            var slice = missing[i];
            var take = i == missing.Count - 1 ? left : Math.Min(left, ShareOf(slice, stock));
            loaded[slice] = take;
            left -= take;
        }
        return loaded;
    }
}
