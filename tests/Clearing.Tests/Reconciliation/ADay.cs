using PromotionEngine.Clearing.Reconciliation;
using PromotionEngine.Clearing.Store;

namespace PromotionEngine.Clearing.Tests.Reconciliation;

/// <summary>
/// A generated day of orders as the four sources hold it when nothing drifted: every order paid that day with one or two
/// coupons, one in ten refunded whole; the settlement records, the engine's consumed coupons, the clearing facts and the order
/// system's lines all agree. Tests change the lists to inject drift.
/// </summary>
internal sealed class ADay
{
    public static readonly DateOnly Day = new(2026, 12, 6);
    public const int Merchants = 5;

    public List<EngineOrder> Engine { get; } = [];
    public List<EngineCouponUse> Uses { get; } = [];
    public List<ClearedCoupon> Cleared { get; } = [];
    public List<OrderLine> Lines { get; } = [];
    /// <summary>Each order's merchant (every coupon of an order is of its merchant).</summary>
    public Dictionary<string, long> MerchantOf { get; } = [];

    public static ADay Of(int orders, int seed = 1)
    {
        var random = new Random(seed);
        var day = new ADay();
        var start = new DateTimeOffset(Day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        long coupon = 1_000_000;
        for (var i = 0; i < orders; i++)
        {
            var id = $"ORD-{i:D7}";
            var paidAt = start.AddMilliseconds(random.NextInt64((long)TimeSpan.FromDays(1).TotalMilliseconds));
            var merchant = 1 + (i % Merchants);
            var refunded = i % 10 == 3;
            var status = refunded ? OrderStatuses.Refunded : OrderStatuses.Paid;
            var coupons = Enumerable.Range(0, i % 3 == 0 ? 2 : 1).Select(_ => new CouponShare(++coupon, random.Next(1, 5_000))).ToList();
            var total = coupons.Sum(c => c.Discount!.Value);
            day.MerchantOf[id] = merchant;
            day.Engine.Add(new EngineOrder(id, paidAt, status, total, coupons));
            foreach (var c in coupons)
            {
                if (!refunded) day.Uses.Add(new EngineCouponUse(c.CouponId, id, merchant));
                day.Cleared.Add(new ClearedCoupon(id, c.CouponId, 100 + merchant, merchant, "CNY", c.Discount!.Value, paidAt,
                    refunded ? c.Discount!.Value : 0, 0, refunded));
            }
            day.Lines.Add(new OrderLine(i + 2, id, paidAt, coupons.Select(c => c.CouponId).ToList(), total, status));
        }
        return day;
    }

    /// <summary>
    /// The sources as a run for <paramref name="merchant"/> reads them: the engine's coupon uses and the clearing facts of that
    /// merchant only, the order file of its orders; the settlement records stay whole (they name no merchant).
    /// </summary>
    public ADay AsReadFor(long merchant)
    {
        Uses.RemoveAll(u => u.MerchantId != merchant);
        Cleared.RemoveAll(c => c.MerchantId != merchant);
        Lines.RemoveAll(l => MerchantOf[l.OrderId] != merchant);
        return this;
    }

    public async Task<List<Discrepancy>> ReconcileAsync(long? merchant = null, int partitions = 16, MatchTally? tally = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "clearing-tests");
        Directory.CreateDirectory(folder);
        var match = new ThreeWayMatch(folder, partitions);
        var found = new List<Discrepancy>();
        await foreach (var d in match.RunAsync(new ReconciliationScope(Day, merchant), Engine.ToAsyncEnumerable(), Uses.ToAsyncEnumerable(),
            Cleared.ToAsyncEnumerable(), Lines, tally ?? new MatchTally(), CancellationToken.None))
            found.Add(d);
        return found;
    }
}
