using PromotionEngine.Clearing.Facts;
using PromotionEngine.Clearing.Ledger;
using PromotionEngine.Clearing.Store;

namespace PromotionEngine.ClearingBench;

/// <summary>
/// Generated journal rows: fact n is a pure function of n, so any range can be made again without keeping it. Merchants have 10
/// templates each; time grows with the seq over <see cref="Days"/> days, as a journal's does; the movements are a coupon
/// lifecycle's mix (claims most, then locks, uses, spends, allocations, releases, expiries and a few refunds).
/// </summary>
internal sealed class Workload(long facts, int merchants, int days)
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public long Facts { get; } = facts;
    public int Merchants { get; } = merchants;
    public int Days { get; } = days;
    public static DateOnly FirstDay => DateOnly.FromDateTime(Start.UtcDateTime);

    public ClearingFact Fact(long seq)
    {
        var h = Mix((ulong)seq);
        var merchant = 1 + (long)(h % (ulong)Merchants);
        var template = merchant * 100 + (long)((h >> 16) % 10);
        var day = (seq - 1) * Days / Facts;
        var at = Start.AddDays(day).AddSeconds((long)((h >> 24) % 86_400));
        var roll = (int)((h >> 44) % 100);
        var movement = roll switch
        {
            < 35 => Movements.Claimed,
            < 50 => Movements.Locked,
            < 60 => Movements.Consumed,
            < 70 => Movements.DiscountSpent,
            < 78 => Movements.DiscountAllocated,
            < 84 => Movements.Released,
            < 92 => Movements.Expired,
            < 96 => Movements.DiscountReturned,
            < 98 => Movements.DiscountClawedBack,
            _ => Movements.Restored,
        };
        var money = movement is Movements.DiscountSpent or Movements.DiscountAllocated or Movements.DiscountReturned
            or Movements.DiscountClawedBack;
        var discount = money ? 100 + (long)((h >> 8) % 5_000) : 0;
        var platform = discount * 2_500 / 10_000;
        var order = money || movement is Movements.Consumed or Movements.Restored ? "order-" + (seq / 3) : null;
        return new ClearingFact(seq, new Guid((int)(seq >> 32), (short)(seq >> 16), (short)seq, 1, 2, 3, 4, 5, 6, 7, 8), 0, movement, at,
            DateOnly.FromDateTime(at.UtcDateTime), null, merchant, template, "PLATFORM", "CNY", "SPLIT", 2_500,
            money || movement is Movements.Consumed ? Channels.Order : Channels.Claim, null, seq, 1_000 + (long)(h % 100_000), order,
            movement is Movements.Released or Movements.Restored ? "AVAILABLE" : null, money ? 0 : 1, discount, platform,
            discount - platform, money ? discount * 8 : 0, movement == Movements.DiscountAllocated ? 1 : null, null);
    }

    /// <summary>Journal rows first..last as the ingestion hands them to the store: facts and their postings.</summary>
    public FactBatch Batch(long first, long last)
    {
        var facts = new List<ClearingFact>((int)(last - first + 1));
        var entries = new List<LedgerEntry>(facts.Capacity * 2);
        for (var seq = first; seq <= last; seq++)
        {
            var fact = Fact(seq);
            facts.Add(fact);
            entries.AddRange(Posting.For(fact));
        }
        return new FactBatch(first, last, facts, entries);
    }

    public IEnumerable<FactBatch> Batches(long first, long last, int size)
    {
        for (var from = first; from <= last; from += size) yield return Batch(from, Math.Min(last, from + size - 1));
    }

    private static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EB;
        return x ^ (x >> 31);
    }
}
