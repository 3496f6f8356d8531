using System.Diagnostics;
using System.Globalization;
using PromotionEngine.Clearing.Store;
using PromotionEngine.ClearingBench;

// The clearing's analytic stores, timed in process (docs/benchmarks.md has the commands and the figures).
//   ClearingBench ingest [--store clickhouse|duckdb|both] [--facts 1000000] [--batch 100000] [--rounds 2]
//     facts/s through the adapter's AppendAsync (batches of --batch, as the ingestion appends them) vs a raw bulk insert of the
//     same rows into the same kind of store, alternating, each into a fresh database.
//   ClearingBench query [--store clickhouse|duckdb|both] [--facts 10000000] [--merchants 1000] [--days 180] [--queries 300]
//     loads --facts facts (through the adapter's append, a million a batch, so the facts' aggregate is kept), records the closing
//     balances of every day but the last (the days closed), then times one at a time: a merchant's 90-day per-day activity in
//     America/Los_Angeles (two offset segments), and a day's statement (DayLedger: the balances before the day and the entries
//     on it, what ReadStatement reads) of a merchant.
//   --rollup quarter (query, ClickHouse) reads the quarter-hour aggregate instead of the hour rollup (the A/B switch of the rollup).
//   --keep leaves the stores in place at the end; --reuse (query) times a kept store that holds --facts facts without loading
//   it again, so the load can run while the machine is busy and the timed queries when it is quiet.
var mode = args.Length > 0 ? args[0] : "ingest";
var stores = Value("--store") ?? "both";
var clickHouseUrl = new Uri(Value("--clickhouse") ?? "http://127.0.0.1:8123/");
var folder = Value("--directory") ?? Path.GetTempPath();
var keep = args.Contains("--keep") || args.Contains("--reuse");
var reuse = args.Contains("--reuse");
var readsHours = (Value("--rollup") ?? "hour") switch
{
    "hour" => true,
    "quarter" => false,
    _ => throw new ArgumentException("--rollup: hour or quarter"),
};
var ct = CancellationToken.None;

Console.WriteLine($"ClearingBench {mode}, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
if (mode == "ingest") await IngestAsync();
else if (mode == "query") await QueryAsync();
else throw new ArgumentException("mode: ingest or query");

async Task IngestAsync()
{
    var facts = Arg("--facts", 1_000_000);
    var batchSize = (int)Arg("--batch", 100_000); // Clearing:BatchSize's default
    var rounds = (int)Arg("--rounds", 2);
    var workload = new Workload(facts, merchants: 1_000, days: 180);
    var batches = workload.Batches(1, facts, batchSize).ToList();
    var entries = batches.Sum(b => b.Entries.Count);
    Console.WriteLine($"{facts:N0} facts, {entries:N0} entries, batches of {batchSize:N0}");
    foreach (var kind in Kinds())
    {
        for (var round = 1; round <= rounds; round++)
        {
            double raw, adapter;
            (double Own, double Server) rawCpu, adapterCpu;
            await using (var store = await OpenAsync(kind, $"ingest_raw_{round}"))
            {
                var clock = Stopwatch.StartNew();
                var cpu = CpuMeter.Start();
                await store.RawInsertAsync(batches, ct);
                raw = facts / clock.Elapsed.TotalSeconds;
                rawCpu = cpu.Stop();
            }
            await using (var store = await OpenAsync(kind, $"ingest_adapter_{round}"))
            {
                if (store is ClickHouseBenchStore setup) setup.RequestSummary(); // the schema's requests are not the append's
                var clock = Stopwatch.StartNew();
                var cpu = CpuMeter.Start();
                foreach (var batch in batches) await store.Store.AppendAsync(batch, ct);
                adapter = facts / clock.Elapsed.TotalSeconds;
                adapterCpu = cpu.Stop();
                if (store is ClickHouseBenchStore requests) Console.WriteLine($"{kind,-10} round {round}: requests {requests.RequestSummary()}");
                var totals = await store.Store.TotalsAsync(ct);
                if (totals.Facts != facts || totals.Entries != entries || totals.Watermark != facts)
                    throw new InvalidOperationException($"{kind}: stored {totals}, expected {facts} facts and {entries} entries");
            }
            Console.WriteLine($"{kind,-10} round {round}: raw bulk {raw,10:N0} facts/s   adapter {adapter,10:N0} facts/s   ratio {adapter / raw:F2}");
            // CPU µs per fact (bench process incl. embedded DuckDB + ClickHouse server, until the last request answered; merges
            // that go on afterwards are not counted), and the ratio of facts per CPU second: what the load moves least.
            double Us((double Own, double Server) c) => (c.Own + c.Server) * 1e6 / facts;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{kind,-10} round {round}: CPU per fact raw {Us(rawCpu):F1} µs ({rawCpu.Own:F1} s own + {rawCpu.Server:F1} s server)   " +
                $"adapter {Us(adapterCpu):F1} µs ({adapterCpu.Own:F1} s + {adapterCpu.Server:F1} s)   ratio {Us(rawCpu) / Us(adapterCpu):F2}"));
        }
    }
}

async Task QueryAsync()
{
    var facts = Arg("--facts", 10_000_000);
    var merchants = (int)Arg("--merchants", 1_000);
    var days = (int)Arg("--days", 180);
    var queries = (int)Arg("--queries", 300);
    var workload = new Workload(facts, merchants, days);
    var zone = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");
    var firstDay = Workload.FirstDay.ToDateTime(TimeOnly.MinValue);
    var segments = Segments(zone, firstDay.AddDays(40), firstDay.AddDays(130));
    Console.WriteLine($"{facts:N0} facts, {merchants:N0} merchants, {days} days; 90-day report in {segments.Count} offset segments");
    foreach (var kind in Kinds())
    {
        await using var store = await OpenAsync(kind, "query", fresh: !reuse);
        if (reuse)
        {
            await store.Store.EnsureSchemaAsync(ct); // already there: made idempotently, as a restarted engine would
            var kept = await store.Store.TotalsAsync(ct);
            if (kept.Facts != facts)
                throw new InvalidOperationException($"{kind}: --reuse found {kept.Facts:N0} facts kept, not {facts:N0}: load it first with --keep");
            Console.WriteLine($"{kind}: reusing the kept store of {kept.Facts:N0} facts and {kept.Entries:N0} entries");
            if (store is ClickHouseBenchStore clickHouse)
            {
                var filling = Stopwatch.StartNew();
                await clickHouse.CatchUpHoursAsync(ct); // nothing to do once filled
                var reads = readsHours ? "the hour rollup" : "the quarter-hour aggregate";
                Console.WriteLine($"{kind}: hour rollup caught up in {filling.Elapsed.TotalSeconds:F1} s; reports read {reads}");
            }
        }
        else await LoadAsync(store, kind, workload, facts, days);

        var random = new Random(11);
        var activity = await TimeAsync(queries, async () =>
        {
            var rows = await store.Store.ActivityAsync(new ActivityQuery(random.Next(1, merchants + 1), null, segments, 86_400, false), ct);
            return rows.Count;
        });
        var statement = await TimeAsync(queries, async () =>
        {
            var merchant = random.Next(1, merchants + 1);
            var day = Workload.FirstDay.AddDays(random.Next(1, days));
            var ledger = await store.Store.DayLedgerAsync(merchant, day, ct); // what ReadStatement reads
            return ledger.Before.Count + ledger.On.Count;
        });
        Report(kind, "90-day per-day activity", activity);
        Report(kind, "day statement (day ledger)", statement);
    }
}

async Task LoadAsync(IBenchStore store, string kind, Workload workload, long facts, int days)
{
    var load = Stopwatch.StartNew();
    const long chunk = 1_000_000;
    long entries = 0;
    for (var first = 1L; first <= facts; first += chunk)
    {
        var batch = workload.Batch(first, Math.Min(facts, first + chunk - 1));
        entries += batch.Entries.Count;
        await store.Store.AppendAsync(batch, ct); // the adapter's append: the facts' aggregate with them
    }
    var loaded = load.Elapsed;
    if (store is ClickHouseBenchStore clickHouse) await clickHouse.SettleAsync(ct);
    var settled = load.Elapsed;
    var closedThrough = Workload.FirstDay.AddDays(days - 2);
    await store.Store.CloseBalancesAsync(closedThrough, ct); // the days before yesterday closed: their balances recorded
    Console.WriteLine($"{kind}: loaded {facts:N0} facts and {entries:N0} entries in {loaded.TotalSeconds:F0} s, " +
        $"settled in {(settled - loaded).TotalSeconds:F0} s, balances of {days - 1} closed days in {(load.Elapsed - settled).TotalSeconds:F0} s");
}

IEnumerable<string> Kinds() => stores switch
{
    "both" => ["ClickHouse", "DuckDB"],
    "clickhouse" => ["ClickHouse"],
    "duckdb" => ["DuckDB"],
    _ => throw new ArgumentException("--store: clickhouse, duckdb or both"),
};

async Task<IBenchStore> OpenAsync(string kind, string name, bool fresh = true)
{
    IBenchStore store = kind == "ClickHouse"
        ? new ClickHouseBenchStore(clickHouseUrl, "clr_bench_" + name, keep, readsHours)
        : new DuckDbBenchStore(Path.Combine(folder, $"clr-bench-{name}.duckdb"), keep);
    if (fresh) await store.Store.ResetAsyncIfPresent(ct);
    return store;
}

static async Task<List<double>> TimeAsync(int count, Func<Task<int>> query)
{
    for (var i = 0; i < Math.Max(10, count / 10); i++) await query(); // warm-up
    var times = new List<double>(count);
    long rows = 0;
    for (var i = 0; i < count; i++)
    {
        var clock = Stopwatch.StartNew();
        rows += await query();
        times.Add(clock.Elapsed.TotalMilliseconds);
    }
    if (rows == 0) throw new InvalidOperationException("every query came back empty: the data is not what the bench expects");
    times.Sort();
    return times;
}

static void Report(string kind, string what, List<double> sorted)
{
    double P(double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{kind,-10} {what,-28} n={sorted.Count}  p50 {P(0.50),7:F1} ms  p99 {P(0.99),7:F1} ms  max {sorted[^1],7:F1} ms"));
}

// UTC stretches of constant offset covering local [from, to) in the zone, cut where the offset changes (on the hour).
static List<OffsetSegment> Segments(TimeZoneInfo zone, DateTime localFrom, DateTime localTo)
{
    var from = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(localFrom, zone));
    var to = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(localTo, zone));
    var segments = new List<OffsetSegment>();
    var start = from;
    var offset = zone.GetUtcOffset(start);
    for (var t = from.AddHours(1); t < to; t = t.AddHours(1))
    {
        var now = zone.GetUtcOffset(t);
        if (now == offset) continue;
        segments.Add(new OffsetSegment(start, t, (int)offset.TotalSeconds));
        (start, offset) = (t, now);
    }
    segments.Add(new OffsetSegment(start, to, (int)offset.TotalSeconds));
    return segments;
}

long Arg(string name, long fallback) => Value(name) is { } v ? long.Parse(v, CultureInfo.InvariantCulture) : fallback;

string? Value(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

internal static class StoreReset
{
    /// <summary>A fresh, empty store: the schema made, anything a kept earlier run left removed.</summary>
    public static async Task ResetAsyncIfPresent(this IAnalyticStore store, CancellationToken ct)
    {
        await store.EnsureSchemaAsync(ct);
        await store.ResetAsync(ct);
    }
}
