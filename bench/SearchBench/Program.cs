using System.Diagnostics;
using HdrHistogram;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Microsoft.Extensions.Options;
using PromotionEngine.Contracts.Engine;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Kernel;
using PromotionEngine.Search;
using PromotionEngine.Search.Index;
using PromotionEngine.Search.Querying;
using PromotionEngine.SearchBench;

// Search and exposure latency over a generated catalog, in process: the module's own query path (validation aside)
// from the query object to the response page, one query at a time on one thread, after a warm-up.
// Usage: SearchBench [--templates 1000000] [--queries 20000] [--directory <folder>] [--keep-first-pages]
// Without --keep-first-pages every query is ranked (the module's first-page cache is off): the kinds below repeat
// the same words, which with the cache on measure a lookup.
var templates = Arg("--templates", 1_000_000);
var queries = Arg("--queries", 20_000);
var only = Value("--only"); // measure only the kinds whose name contains this
var folder = Value("--directory") ?? Path.Combine(Path.GetTempPath(), "promotion-search-bench");

var clock = new FixedClock(Catalog.Now);
using var metrics = new SearchMetrics();
var keepFirstPages = args.Contains("--keep-first-pages");
using var index = new SearchIndex(Options.Create(new SearchOptions { IndexDirectory = folder, KeepFirstPages = keepFirstPages }), metrics, clock);
var issued = new Dictionary<long, long>();

var build = Stopwatch.StartNew();
var generation = index.BeginRebuild()!;
var random = new Random(7);
var catalog = Catalog.Generate(templates).ToList();
generation.Load(catalog); // as the replay does: the latest revision of each template, newest first
foreach (var t in catalog)
{
    // A third of the templates have issued part of their stock, one in twenty all of it (sold out).
    var roll = random.Next(20);
    if (roll == 0) issued[t.Id] = t.Stock;
    else if (roll < 7) issued[t.Id] = random.NextInt64(1, t.Stock);
}
catalog.Clear();
catalog.TrimExcess();
index.CompleteRebuild(generation, templates);
build.Stop();
GC.Collect();
Console.WriteLine($"Indexed {templates:N0} templates in {build.Elapsed.TotalSeconds:F1} s ({templates / build.Elapsed.TotalSeconds:N0}/s); " +
    $"index folder {Size(folder) / 1024.0 / 1024:N0} MiB; managed heap {GC.GetTotalMemory(false) / 1024.0 / 1024:N0} MiB");

var issuance = new InMemoryIssuance(issued);
var pages = new StockedPages(index, issuance);
var find = new FindTemplates(index, pages, clock, new NoCampaigns());
var expose = new ExposeTemplates(pages, new NoClaims(), new NoAudiences(), new NoCampaigns());
var words = new[] { "满减", "优惠", "新人", "折扣", "会员日", "无门槛", "数码", "双11", "spring", "coupon off", "年货节 优惠券", "立减" };
var types = new[] { "THRESHOLD", "FIXED_AMOUNT", "PERCENTAGE" };
var now = Catalog.Now;
var user = new UserId(1001);
TemplateQuery Query(string? text = null) => new(text, null, null, null, null, null, null, null, 20);

// The second page's cursor of each word, read once: the second-page kind measures the second page alone.
var secondPages = new Dictionary<string, SearchPosition?>();
foreach (var word in words)
{
    var first = (await find.HandleAsync(Query(word), default))!;
    SearchCursor.TryDecode(first.NextCursor, scored: true, out var after);
    secondPages[word] = after;
}

var kinds = new (string Name, Func<Random, Task<int>> Run)[]
{
    ("text (one of 12 words, CJK and English)", async r => (await find.HandleAsync(Query(words[r.Next(words.Length)]), default))!.Items.Count),
    ("text, a selective word (数码, ~2 % of templates)", async r => (await find.HandleAsync(Query("数码"), default))!.Items.Count),
    ("text, a common word (优惠, ~35 % of templates)", async r => (await find.HandleAsync(Query("优惠"), default))!.Items.Count),
    ("text + claimableNow + type", async r => (await find.HandleAsync(Query(words[r.Next(words.Length)]) with
        { ClaimableAt = now, Type = types[r.Next(3)] }, default))!.Items.Count),
    ("text, second page (the cursor of the first)", async r =>
    {
        var word = words[r.Next(words.Length)];
        return secondPages[word] is { } after ? (await find.HandleAsync(Query(word) with { After = after }, default))!.Items.Count : 0;
    }),
    ("filters: merchantId + claimableNow", async r => (await find.HandleAsync(Query() with
        { Merchant = r.Next(1, Catalog.Merchants + 1), ClaimableAt = now }, default))!.Items.Count),
    ("filters: type only (a third of the catalog, newest first)",
        async r => (await find.HandleAsync(Query() with { Type = types[r.Next(3)] }, default))!.Items.Count),
    ("filters: claimableNow only", async r => (await find.HandleAsync(Query() with { ClaimableAt = now }, default))!.Items.Count),
    ("exposure: product page (product + shop + category)", async r => (await expose.HandleAsync(new ExposureQuery(r.Next(1, Catalog.Products + 1),
        r.Next(1, Catalog.Shops + 1), r.Next(1, Catalog.Categories + 1), now, null, 20), user, default))!.Items.Count),
    ("exposure: shop page", async r => (await expose.HandleAsync(
        new ExposureQuery(null, r.Next(1, Catalog.Shops + 1), null, now, null, 20), user, default))!.Items.Count),
    ("bare Lucene TermQuery text:优 (one posting list of 优惠's), top 20 by score (comparison)", r => Task.FromResult(index.BareRead(s =>
        s.Search(new TermQuery(new Term(TemplateDocuments.Text, "优")), 20).TotalHits))),
    ("bare Lucene TermQuery shop:<id>, top 20 (comparison)", r => Task.FromResult(index.BareRead(s =>
        s.Search(new TermQuery(new Term(TemplateDocuments.Shop, TemplateDocuments.Key(r.Next(1, Catalog.Shops + 1)))), 20).TotalHits))),
};

// Warm-up: every kind once through (the JIT's tiers and the index files' pages), then each kind measured in turn.
var warm = new Random(3);
foreach (var (_, run) in kinds.Where(k => only is null || k.Name.Contains(only, StringComparison.Ordinal)))
{
    for (var i = 0; i < Math.Max(queries / 10, 500); i++) await run(warm);
}
Console.WriteLine();
Console.WriteLine($"{queries:N0} queries per kind after a warm-up of every kind, one thread; latency in microseconds; " +
    $"first pages {(keepFirstPages ? "kept (--keep-first-pages)" : "not kept: every query ranked")}");
Console.WriteLine("| query | p50 µs | p90 µs | p99 µs | p99.9 µs | max µs | items per query (bare: matches) |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
foreach (var (name, run) in kinds.Where(k => only is null || k.Name.Contains(only, StringComparison.Ordinal)))
{
    var r = new Random(11);
    var histogram = new LongHistogram(TimeStamp.Seconds(10), 3);
    long hits = 0;
    for (var i = 0; i < queries; i++)
    {
        var start = Stopwatch.GetTimestamp();
        hits += await run(r);
        histogram.RecordValue(Stopwatch.GetTimestamp() - start);
    }
    double Us(double percentile) => histogram.GetValueAtPercentile(percentile) * 1_000_000.0 / Stopwatch.Frequency;
    var max = histogram.GetMaxValue() * 1_000_000.0 / Stopwatch.Frequency;
    Console.WriteLine($"| {name} | {Us(50):N0} | {Us(90):N0} | {Us(99):N0} | {Us(99.9):N0} | {max:N0} | {hits / (double)queries:N1} |");
}

int Arg(string name, int fallback) => Value(name) is { } v ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;
string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
static long Size(string path)
    => Directory.Exists(path) ? new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) : 0;

internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>The engine's issued counts, in memory: the benchmark measures the index, not a database read.</summary>
internal sealed class InMemoryIssuance(Dictionary<long, long> issued) : ICouponIssuance
{
    public Task<IReadOnlyDictionary<TemplateId, long>> IssuedAsync(IReadOnlyCollection<TemplateId> templates, CancellationToken ct) =>
        Task.FromResult<IReadOnlyDictionary<TemplateId, long>>(templates.ToDictionary(t => t, t => issued.GetValueOrDefault(t.Value)));
}

/// <summary>A user who claimed nothing yet, in memory.</summary>
internal sealed class NoClaims : IUserClaimCounts
{
    public Task<IReadOnlyDictionary<TemplateId, int>> ClaimedAsync(UserId user, IReadOnlyCollection<TemplateId> templates, CancellationToken ct) =>
        Task.FromResult<IReadOnlyDictionary<TemplateId, int>>(new Dictionary<TemplateId, int>());
}

/// <summary>The bench's templates name no audience: nobody is in one, and no audience has an owner.</summary>
/// <summary>No template is in a campaign: the exposure's campaign check finds no snapshot to close it.</summary>
internal sealed class NoCampaigns : ICampaignTemplates, ICouponTemplateCatalog
{
    public Task<IReadOnlyList<TemplateId>> OfAsync(long campaign, CancellationToken ct) => Task.FromResult<IReadOnlyList<TemplateId>>([]);

    public Task<CouponTemplateSnapshot?> FindAsync(TemplateId id, CancellationToken ct) => Task.FromResult<CouponTemplateSnapshot?>(null);
}

internal sealed class NoAudiences : IAudienceMembership
{
    public Task<MerchantId?> OwnerOfAsync(AudienceId audience, CancellationToken ct) => Task.FromResult<MerchantId?>(null);

    public Task<IReadOnlySet<AudienceId>> MemberOfAsync(UserId user, IReadOnlyCollection<AudienceId> audiences, CancellationToken ct) =>
        Task.FromResult<IReadOnlySet<AudienceId>>(new HashSet<AudienceId>());
}
