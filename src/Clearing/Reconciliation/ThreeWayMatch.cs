using System.Runtime.CompilerServices;
using PromotionEngine.Clearing.Store;

namespace PromotionEngine.Clearing.Reconciliation;

/// <summary>A UTC day, optionally of one merchant: what a reconciliation covers.</summary>
internal sealed record ReconciliationScope(DateOnly Day, long? MerchantId)
{
    public DateTimeOffset From => new(Day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
    public DateTimeOffset To => From.AddDays(1);
}

/// <summary>What each source gave to a match (rows read), and the order lines left out because they were paid another day.</summary>
internal sealed class MatchTally
{
    public long EngineOrders { get; set; }
    public long EngineCoupons { get; set; }
    public long ClearedCoupons { get; set; }
    public long OrderLines { get; set; }
    public long OrderLinesOtherDay { get; set; }
}

/// <summary>
/// Matches the three sources of a day order by order. Every row is first written to a partition file by a hash of its order id
/// (and every coupon use by its coupon id, to find a coupon used on two orders); then one partition at a time is read back
/// into memory and its orders compared, in order id order. Memory holds one partition: the day's rows / partitions.
/// </summary>
/// <remarks>
/// The rules, per order (E the settlement record, U the engine's consumed user coupons, C the clearing facts, O the order
/// lines): more than one O line: DUPLICATED_ORDER_LINE (the first line is compared). An order some sources hold and another
/// does not: MISSING_IN_(that source), once for the order. Among the sources that hold it: a coupon one of them lacks:
/// MISSING_IN_(it) naming the coupon; statuses that differ: one STATUS_MISMATCH; a coupon's discount that differs between
/// E and C: AMOUNT_MISMATCH naming the coupon; O's discount that differs from E's total (C's when E has none) while both
/// name the same coupons: AMOUNT_MISMATCH for the order. U against E: a coupon of a PAID order the engine does not hold as
/// consumed by it, or a coupon held consumed by a REFUNDED order: STATUS_MISMATCH naming the coupon; consumed by an order
/// whose record does not name it: MISSING_IN_ENGINE naming the coupon. A coupon on two orders within one source:
/// COUPON_USED_TWICE. With a merchant, only the merchant's coupons (those U, C or the order's file line know of) are compared
/// and a record none of whose coupons is the merchant's is left out; the order file is then the merchant's orders and discount.
/// </remarks>
internal sealed class ThreeWayMatch(string workFolder, int partitions)
{
    private const byte EngineTag = 1, UseTag = 2, ClearedTag = 3, LineTag = 4;

    public async IAsyncEnumerable<Discrepancy> RunAsync(
        ReconciliationScope scope, IAsyncEnumerable<EngineOrder> engine, IAsyncEnumerable<EngineCouponUse> engineCoupons,
        IAsyncEnumerable<ClearedCoupon> clearing, IEnumerable<OrderLine> orders, MatchTally tally,
        [EnumeratorCancellation] CancellationToken ct)
    {
        using var byOrder = new Spool(workFolder, "recon-orders", partitions);
        using var byCoupon = new Spool(workFolder, "recon-coupons", partitions);

        await foreach (var o in engine.WithCancellation(ct))
        {
            tally.EngineOrders++;
            var w = byOrder.For(o.OrderId);
            w.Write(EngineTag);
            w.Write(o.OrderId);
            w.Write(o.Status);
            w.Write(o.Discount);
            w.Write(o.Coupons.Count);
            foreach (var c in o.Coupons)
            {
                w.Write(c.CouponId);
                w.Write(c.Discount ?? -1);
                WriteUse(byCoupon, c.CouponId, Sources.Engine, o.OrderId);
            }
        }
        await foreach (var u in engineCoupons.WithCancellation(ct))
        {
            tally.EngineCoupons++;
            var w = byOrder.For(u.OrderId);
            w.Write(UseTag);
            w.Write(u.OrderId);
            w.Write(u.CouponId);
            w.Write(u.MerchantId);
        }
        await foreach (var c in clearing.WithCancellation(ct))
        {
            tally.ClearedCoupons++;
            var w = byOrder.For(c.OrderId);
            w.Write(ClearedTag);
            w.Write(c.OrderId);
            w.Write(c.UserCouponId);
            w.Write(c.Discount);
            w.Write(c.Restored);
            WriteUse(byCoupon, c.UserCouponId, Sources.Clearing, c.OrderId);
        }
        foreach (var line in orders)
        {
            ct.ThrowIfCancellationRequested();
            if (line.PaidAt < scope.From || line.PaidAt >= scope.To)
            {
                tally.OrderLinesOtherDay++;
                continue;
            }
            tally.OrderLines++;
            var w = byOrder.For(line.OrderId);
            w.Write(LineTag);
            w.Write(line.OrderId);
            w.Write(line.Row);
            w.Write(line.Status);
            w.Write(line.Discount);
            w.Write(line.CouponIds.Count);
            foreach (var id in line.CouponIds.Distinct())
                WriteUse(byCoupon, id, Sources.Orders, line.OrderId);
            foreach (var id in line.CouponIds) w.Write(id);
        }
        byOrder.Seal();
        byCoupon.Seal();

        for (var p = 0; p < byOrder.Partitions; p++)
        {
            ct.ThrowIfCancellationRequested();
            var sides = ReadOrders(byOrder, p);
            foreach (var key in sides.Keys.Order(StringComparer.Ordinal))
            {
                foreach (var d in Compare(key, sides[key], scope.MerchantId)) yield return d;
            }
        }
        for (var p = 0; p < byCoupon.Partitions; p++)
        {
            ct.ThrowIfCancellationRequested();
            foreach (var d in CouponsUsedTwice(byCoupon, p)) yield return d;
        }
    }

    private static readonly string[] UseSources = [Sources.Engine, Sources.Clearing, Sources.Orders];

    private static void WriteUse(Spool spool, long couponId, string source, string orderId)
    {
        var w = spool.For(couponId);
        w.Write(couponId);
        w.Write((byte)Array.IndexOf(UseSources, source));
        w.Write(orderId);
    }

    /// <summary>The orders a coupon is on in one source: the first, and the others only when there are any.</summary>
    private sealed class CouponOrders(string first)
    {
        public string First { get; } = first;
        public SortedSet<string>? All { get; set; }
    }

    private sealed class OrderSides
    {
        private static readonly List<(long, long)> NoUses = [];
        private static readonly List<(long, long, bool)> NoneCleared = [];
        private static readonly List<(long, string, long, long[])> NoLines = [];

        public EngineOrder? Engine;
        private List<(long Coupon, long Merchant)>? _uses;
        private List<(long Coupon, long Discount, bool Restored)>? _cleared;
        private List<(long Row, string Status, long Discount, long[] Coupons)>? _lines;

        // Read only: empty until the first Add (most orders have one line and one or two facts).
        public List<(long Coupon, long Merchant)> Uses => _uses ?? NoUses;
        public List<(long Coupon, long Discount, bool Restored)> Cleared => _cleared ?? NoneCleared;
        public List<(long Row, string Status, long Discount, long[] Coupons)> Lines => _lines ?? NoLines;

        public void AddUse((long, long) use) => (_uses ??= new(2)).Add(use);
        public void AddCleared((long, long, bool) cleared) => (_cleared ??= new(2)).Add(cleared);
        public void AddLine((long, string, long, long[]) line) => (_lines ??= new(1)).Add(line);
    }

    private static Dictionary<string, OrderSides> ReadOrders(Spool spool, int partition)
    {
        var sides = new Dictionary<string, OrderSides>(StringComparer.Ordinal);
        using var r = spool.Read(partition);
        var stream = r.BaseStream;
        while (stream.Position < stream.Length)
        {
            var tag = r.ReadByte();
            var orderId = r.ReadString();
            if (!sides.TryGetValue(orderId, out var s)) sides[orderId] = s = new OrderSides();
            switch (tag)
            {
                case EngineTag:
                    var status = r.ReadString();
                    var discount = r.ReadInt64();
                    var coupons = new CouponShare[r.ReadInt32()];
                    for (var i = 0; i < coupons.Length; i++)
                    {
                        var id = r.ReadInt64();
                        var share = r.ReadInt64();
                        coupons[i] = new CouponShare(id, share < 0 ? null : share);
                    }
                    s.Engine = new EngineOrder(orderId, default, status, discount, coupons);
                    break;
                case UseTag:
                    s.AddUse((r.ReadInt64(), r.ReadInt64()));
                    break;
                case ClearedTag:
                    s.AddCleared((r.ReadInt64(), r.ReadInt64(), r.ReadBoolean()));
                    break;
                case LineTag:
                    var row = r.ReadInt64();
                    var lineStatus = r.ReadString();
                    var lineDiscount = r.ReadInt64();
                    var ids = new long[r.ReadInt32()];
                    for (var i = 0; i < ids.Length; i++) ids[i] = r.ReadInt64();
                    s.AddLine((row, lineStatus, lineDiscount, ids));
                    break;
                default:
                    throw new InvalidDataException($"Unknown spool record {tag}.");
            }
        }
        return sides;
    }

    /// <summary>
    /// The common case without allocating: one order line, the record, its facts and its consumed coupons naming the same coupons
    /// with the same amounts and status. True only where <see cref="Compare"/> would find nothing.
    /// </summary>
    private static bool Agree(OrderSides s, long? merchant)
    {
        if (merchant is not null || s.Engine is not { } e || s.Lines.Count != 1) return false;
        var line = s.Lines[0];
        var refunded = e.Status == OrderStatuses.Refunded;
        if (line.Status != e.Status || line.Discount != e.Discount || line.Coupons.Length != e.Coupons.Count
            || s.Cleared.Count != e.Coupons.Count || s.Uses.Count != (refunded ? 0 : e.Coupons.Count))
            return false;
        if (!refunded && e.Status != OrderStatuses.Paid) return false;
        for (var i = 0; i < e.Coupons.Count; i++)
        {
            var (id, share) = e.Coupons[i];
            for (var j = 0; j < i; j++)
            {
                if (e.Coupons[j].CouponId == id) return false;
            }
            if (Array.IndexOf(line.Coupons, id) < 0) return false;
            var cleared = s.Cleared.FindIndex(c => c.Coupon == id);
            if (cleared < 0 || s.Cleared[cleared].Restored != refunded || (share is { } known && s.Cleared[cleared].Discount != known)) return false;
            if (!refunded && !s.Uses.Exists(u => u.Coupon == id)) return false;
        }
        return true;
    }

    private static IEnumerable<Discrepancy> Compare(string orderId, OrderSides s, long? merchant)
    {
        if (Agree(s, merchant)) yield break;
        // With a merchant: the merchant's coupons are those the engine's coupons or the clearing facts know (both are read
        // for that merchant only), and those of the order file's line (the file is the merchant's orders): a refunded order's
        // coupons are no longer consumed, so without its clearing facts only the file says it is the merchant's. A settlement
        // record naming none of them is another merchant's order.
        HashSet<long>? mine = merchant is null ? null
            : [.. s.Uses.Select(u => u.Coupon), .. s.Cleared.Select(c => c.Coupon), .. s.Lines.SelectMany(l => l.Item4)];
        var e = s.Engine;
        if (mine is not null && e is not null && mine.Count == 0) e = null;
        if (e is null && s.Uses.Count == 0 && s.Cleared.Count == 0 && s.Lines.Count == 0) yield break;

        if (s.Lines.Count > 1)
            yield return new(DiscrepancyKinds.DuplicatedOrderLine, orderId, null, Sources.Orders,
                "ORDERS=rows " + string.Join(",", s.Lines.Select(l => l.Row).Order()));
        var line = s.Lines.Count > 0 ? s.Lines.MinBy(l => l.Row) : default((long, string, long, long[])?);

        bool inE = e is not null, inC = s.Cleared.Count > 0, inO = line is not null;
        var holders = Holders(inE, inC, inO, s.Uses.Count > 0);
        if (!inE)
        {
            var present = Present(false, inC, inO, s.Uses.Count > 0);
            yield return new(DiscrepancyKinds.MissingInEngine, orderId, null, holders, $"{Sources.Engine}=none; {present}");
        }
        if (!inC && (inE || inO))
            yield return new(DiscrepancyKinds.MissingInClearing, orderId, null, holders, $"{Sources.Clearing}=none; {Present(inE, false, inO)}");
        if (!inO && (inE || inC))
            yield return new(DiscrepancyKinds.MissingInOrders, orderId, null, holders, $"{Sources.Orders}=none; {Present(inE, inC, false)}");

        bool Mine(long coupon) => mine is null || mine.Contains(coupon);
        var eCoupons = new Dictionary<long, long?>();
        if (inE)
        {
            foreach (var c in e!.Coupons.Where(c => Mine(c.CouponId))) eCoupons[c.CouponId] = c.Discount;
        }
        var cCoupons = new Dictionary<long, long>();
        foreach (var c in s.Cleared) cCoupons[c.Coupon] = cCoupons.GetValueOrDefault(c.Coupon) + c.Discount;
        var oCoupons = inO ? line!.Value.Item4.Where(Mine).ToHashSet() : [];

        // Coupons one of the holding sources lacks.
        var all = new SortedSet<long>(eCoupons.Keys);
        all.UnionWith(cCoupons.Keys);
        all.UnionWith(oCoupons);
        foreach (var coupon in all)
        {
            bool atE = eCoupons.ContainsKey(coupon), atC = cCoupons.ContainsKey(coupon), atO = oCoupons.Contains(coupon);
            var values = $"{Sources.Engine}={Has(inE, atE)}; {Sources.Clearing}={Has(inC, atC)}; {Sources.Orders}={Has(inO, atO)}";
            if (inE && !atE) yield return new(DiscrepancyKinds.MissingInEngine, orderId, coupon, Holders(atE, atC, atO, false), values);
            if (inC && !atC) yield return new(DiscrepancyKinds.MissingInClearing, orderId, coupon, Holders(atE, atC, atO, false), values);
            if (inO && !atO) yield return new(DiscrepancyKinds.MissingInOrders, orderId, coupon, Holders(atE, atC, atO, false), values);
        }

        // Statuses.
        var cStatus = inC ? (s.Cleared.All(c => c.Restored) ? OrderStatuses.Refunded : OrderStatuses.Paid) : null;
        var statuses = new List<(string Source, string Status)>();
        if (inE) statuses.Add((Sources.Engine, e!.Status));
        if (inC) statuses.Add((Sources.Clearing, cStatus!));
        if (inO) statuses.Add((Sources.Orders, line!.Value.Item2));
        if (statuses.Select(x => x.Status).Distinct().Count() > 1)
            yield return new(DiscrepancyKinds.StatusMismatch, orderId, null, string.Join(",", statuses.Select(x => x.Source)),
                string.Join("; ", statuses.Select(x => $"{x.Source}={x.Status}")));

        // The engine's user coupons against its settlement record.
        if (inE)
        {
            var used = s.Uses.Select(u => u.Coupon).ToHashSet();
            foreach (var coupon in eCoupons.Keys.Order())
            {
                if (e!.Status == OrderStatuses.Paid && !used.Contains(coupon))
                    yield return new(DiscrepancyKinds.StatusMismatch, orderId, coupon, $"{Sources.Engine},{Sources.EngineCoupons}",
                        $"{Sources.Engine}={OrderStatuses.Paid}; {Sources.EngineCoupons}={OrderStatuses.NotConsumed}");
                if (e.Status == OrderStatuses.Refunded && used.Contains(coupon))
                    yield return new(DiscrepancyKinds.StatusMismatch, orderId, coupon, $"{Sources.Engine},{Sources.EngineCoupons}",
                        $"{Sources.Engine}={OrderStatuses.Refunded}; {Sources.EngineCoupons}={OrderStatuses.Consumed}");
            }
            foreach (var coupon in used.Where(c => !eCoupons.ContainsKey(c)).Order())
                yield return new(DiscrepancyKinds.MissingInEngine, orderId, coupon, Sources.EngineCoupons,
                    $"{Sources.Engine}=none; {Sources.EngineCoupons}={OrderStatuses.Consumed}");
        }

        // Amounts: per coupon between the record and the facts; the order's total against the order line.
        foreach (var (coupon, share) in eCoupons.OrderBy(x => x.Key))
        {
            if (share is { } known && cCoupons.TryGetValue(coupon, out var cleared) && cleared != known)
                yield return new(DiscrepancyKinds.AmountMismatch, orderId, coupon, $"{Sources.Engine},{Sources.Clearing}",
                    $"{Sources.Engine}={known}; {Sources.Clearing}={cleared}");
        }
        if (inO)
        {
            (string Source, long Total, IEnumerable<long> Coupons)? reference = mine is null && inE
                ? (Sources.Engine, e!.Discount, eCoupons.Keys)
                : inC ? (Sources.Clearing, cCoupons.Values.Sum(), cCoupons.Keys)
                : inE && eCoupons.Values.All(v => v is not null) ? (Sources.Engine, eCoupons.Values.Sum(v => v!.Value), eCoupons.Keys)
                : null;
            if (reference is { } r && r.Coupons.ToHashSet().SetEquals(oCoupons) && r.Total != line!.Value.Item3)
                yield return new(DiscrepancyKinds.AmountMismatch, orderId, null, $"{r.Source},{Sources.Orders}",
                    $"{r.Source}={r.Total}; {Sources.Orders}={line.Value.Item3}");
        }
    }

    private static string Has(bool holds, bool has) => !holds ? "none" : has ? "yes" : "no";

    private static string Holders(bool e, bool c, bool o, bool u) => string.Join(",", Named(e, c, o, u));

    private static string Present(bool e, bool c, bool o, bool u = false) => string.Join("; ", Named(e, c, o, u).Select(n => n + "=yes"));

    private static IEnumerable<string> Named(bool e, bool c, bool o, bool u) =>
        new[] { (e, Sources.Engine), (u, Sources.EngineCoupons), (c, Sources.Clearing), (o, Sources.Orders) }
            .Where(x => x.Item1).Select(x => x.Item2);

    private static IEnumerable<Discrepancy> CouponsUsedTwice(Spool spool, int partition)
    {
        var uses = new Dictionary<(long Coupon, byte Source), CouponOrders>();
        using (var r = spool.Read(partition))
        {
            var stream = r.BaseStream;
            while (stream.Position < stream.Length)
            {
                var key = (r.ReadInt64(), r.ReadByte());
                var order = r.ReadString();
                if (!uses.TryGetValue(key, out var orders)) uses[key] = new CouponOrders(order);
                else if (orders.All is not null) orders.All.Add(order);
                else if (!string.Equals(orders.First, order, StringComparison.Ordinal))
                    orders.All = new SortedSet<string>(StringComparer.Ordinal) { orders.First, order };
            }
        }
        var twice = uses.Where(x => x.Value.All is not null).OrderBy(x => x.Key.Coupon).ThenBy(x => x.Key.Source)
            .Select(x => (x.Key.Coupon, Source: UseSources[x.Key.Source], Set: x.Value.All!));
        foreach (var (coupon, source, set) in twice)
            yield return new(DiscrepancyKinds.CouponUsedTwice, set.Min!, coupon, source, $"{source}=orders {string.Join(",", set)}");
    }
}
