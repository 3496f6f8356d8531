using System.Diagnostics;
using System.Globalization;
using System.Text;
using PromotionEngine.Clearing.Reconciliation;
using PromotionEngine.Clearing.Store;

// Reconciles a generated day of N orders (one or two coupons each, one in ten refunded): the order system's record as a CSV
// file read through OrderFile (the upload's reader), the settlement records, the engine's consumed coupons and the clearing
// facts as generated streams (what the ports stream, without their databases). Optionally with drift (every 1000th order's
// discount off by one fen in the file). Prints the wall time of each phase, the discrepancies and the peak working set.
var orders = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
var partitions = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 64;
var drift = args.Length > 2 && args[2] == "drift";
var day = new DateOnly(2026, 12, 6);
var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
var folder = Path.Combine(Path.GetTempPath(), "reconciliation-bench-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(folder);
try
{
    var csv = Path.Combine(folder, "orders.csv");
    var clock = Stopwatch.StartNew();
    await using (var writer = new StreamWriter(csv, false, new UTF8Encoding(false), 1 << 16))
    {
        await writer.WriteLineAsync("order_id,paid_at,coupon_ids,discount,status");
        for (var i = 0; i < orders; i++)
        {
            var o = Order(i);
            var discount = o.Discount + (drift && i % 1000 == 7 ? 1 : 0);
            await writer.WriteLineAsync(
                $"{o.Id},{o.PaidAt:yyyy-MM-ddTHH:mm:ss.fffZ},{string.Join(';', o.Coupons.Select(c => c.CouponId))},{discount},{o.Status}");
        }
    }
    Console.WriteLine($"generated {orders:N0} orders, file {new FileInfo(csv).Length / 1024 / 1024} MiB in {clock.Elapsed.TotalSeconds:F1} s");

    var options = new ReconciliationOptions();
    var layout = OrderFile.Inspect(csv, options.Limits, out var problem) ?? throw new InvalidOperationException(problem!.Message);
    if (args.Contains("phases"))
    {
        // What reading alone costs: the file through the upload's reader, and the three generated streams.
        clock.Restart();
        var read = OrderFile.Lines(csv, layout, options.Limits).LongCount();
        Console.WriteLine($"read {read:N0} order lines in {clock.Elapsed.TotalSeconds:F1} s");
        clock.Restart();
        long rows = 0;
        await foreach (var _ in Engine()) rows++;
        await foreach (var _ in Uses()) rows++;
        await foreach (var _ in Cleared()) rows++;
        Console.WriteLine($"generated {rows:N0} source rows in {clock.Elapsed.TotalSeconds:F1} s");
    }
    var tally = new MatchTally();
    var match = new ThreeWayMatch(folder, partitions);
    clock.Restart();
    var found = new Dictionary<string, long>();
    var lines = OrderFile.Lines(csv, layout, options.Limits);
    await foreach (var d in match.RunAsync(new ReconciliationScope(day, null), Engine(), Uses(), Cleared(), lines, tally, CancellationToken.None))
        found[d.Kind] = found.GetValueOrDefault(d.Kind) + 1;
    var elapsed = clock.Elapsed;
    Console.WriteLine($"reconciled {tally.EngineOrders:N0} engine orders, {tally.EngineCoupons:N0} consumed coupons, " +
        $"{tally.ClearedCoupons:N0} cleared coupons, {tally.OrderLines:N0} order lines with {partitions} partitions in {elapsed.TotalSeconds:F1} s");
    Console.WriteLine("discrepancies: " + (found.Count == 0 ? "none" : string.Join(", ", found.Select(f => $"{f.Key} {f.Value}"))));
    Console.WriteLine($"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024} MiB, " +
        $"GC heap now {GC.GetTotalMemory(false) / 1024 / 1024} MiB");
}
finally
{
    Directory.Delete(folder, recursive: true);
}

async IAsyncEnumerable<EngineOrder> Engine()
{
    for (var i = 0; i < orders; i++)
    {
        var o = Order(i);
        yield return new EngineOrder(o.Id, o.PaidAt, o.Status, o.Discount, o.Coupons);
    }
    await Task.CompletedTask;
}

async IAsyncEnumerable<EngineCouponUse> Uses()
{
    for (var i = 0; i < orders; i++)
    {
        var o = Order(i);
        if (o.Status != OrderStatuses.Paid) continue;
        foreach (var c in o.Coupons) yield return new EngineCouponUse(c.CouponId, o.Id, o.Merchant);
    }
    await Task.CompletedTask;
}

async IAsyncEnumerable<ClearedCoupon> Cleared()
{
    for (var i = 0; i < orders; i++)
    {
        var o = Order(i);
        var refunded = o.Status == OrderStatuses.Refunded;
        foreach (var c in o.Coupons)
        {
            yield return new ClearedCoupon(o.Id, c.CouponId, 100 + o.Merchant, o.Merchant, "CNY", c.Discount!.Value, o.PaidAt,
                refunded ? c.Discount!.Value : 0, 0, refunded);
        }
    }
    await Task.CompletedTask;
}

GeneratedOrder Order(int i)
{
    var coupons = new List<CouponShare> { new(10_000_000L + (2L * i), 1 + ((i * 7919L) % 4999)) };
    if (i % 3 == 0) coupons.Add(new CouponShare(10_000_000L + (2L * i) + 1, 1 + ((i * 104_729L) % 2999)));
    return new GeneratedOrder($"SO-20261206-{i:D7}", start.AddMilliseconds((i * 86_399_997L / Math.Max(1, orders)) % 86_400_000),
        i % 10 == 3 ? OrderStatuses.Refunded : OrderStatuses.Paid, coupons.Sum(c => c.Discount!.Value), coupons, 1 + (i % 5));
}

internal sealed record GeneratedOrder(string Id, DateTimeOffset PaidAt, string Status, long Discount, List<CouponShare> Coupons, long Merchant);
