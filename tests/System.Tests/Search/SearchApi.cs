using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PromotionEngine.System.Tests.Infrastructure;
using PromotionEngine.System.Tests.Messaging;

namespace PromotionEngine.System.Tests.Search;

/// <summary>
/// The search read model end to end: merchants change templates over HTTP, the template events travel the backbone
/// (in process on SQLite and MariaDB, NATS JetStream on MariaDB) to this instance's index, and searches and the
/// exposure answer from it. Each test keeps to a merchant (and shop) of its own, so tests share the index safely.
/// </summary>
public abstract class SearchApi(BackboneApp fixture)
{
    private readonly EngineApp _app = fixture.App;
    private readonly long _merchantId = EngineApp.NewId();
    private HttpClient Merchant => _app.AsMerchant(_merchantId);

    private DateTimeOffset Now => _app.Clock.GetUtcNow();

    private object Template(string name, string description = "", string scope = "PLATFORM", long? shopId = null, long[]? productIds = null,
        long[]? categoryIds = null, long stock = 100, int perUserLimit = 2, TimeSpan? startsIn = null) => new
        {
            name, description, currency = "CNY", scope, shopId, productIds, categoryIds, type = "THRESHOLD", discountAmount = 2000,
            thresholdAmount = 10000, validFrom = Now + (startsIn ?? TimeSpan.FromMinutes(-1)), validUntil = Now
                + TimeSpan.FromDays(30), stock, perUserLimit,
        };

    private async Task<string> CreateAsync(object template) => (await Merchant.CreateTemplateAsync(template)).Id();

    private static async Task<JsonElement> GetAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>
    /// Reads until the answer satisfies <paramref name="done"/> (events arrive asynchronously); 503 means the index is
    /// still being built.
    /// </summary>
    private static Task<JsonElement> UntilAsync(HttpClient client, string url, Func<JsonElement, bool> done) => Eventually(async () =>
    {
        var response = await client.GetAsync(url);
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable) return default;
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.JsonAsync();
    }, json => json.ValueKind != JsonValueKind.Undefined && done(json), Seconds(30), $"GET {url} to answer as expected");

    private static IReadOnlyList<string> Ids(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(i => i.Id()).ToList();

    private static IReadOnlyList<string> Names(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(i => i.Str("name")).ToList();

    private string Search(string query) => $"/api/v1/search/templates?merchantId={_merchantId}&{query}";

    [Fact]
    public async Task Chinese_words_find_the_templates_whose_names_hold_them()
    {
        var fullReduction = await CreateAsync(Template("满100减20券"));
        var newcomer = await CreateAsync(Template("新人优惠券"));
        await CreateAsync(Template("Spring sale", "10 off 100"));
        var searcher = _app.AsOperator();

        var manjian = await UntilAsync(searcher, Search("q=" + Uri.EscapeDataString("满减")), p => Ids(p).Count == 1);
        var youhui = await UntilAsync(searcher, Search("q=" + Uri.EscapeDataString("优惠")), p => Ids(p).Count == 1);
        var english = await UntilAsync(searcher, Search("q=SALE"), p => Ids(p).Count == 1);

        Assert.Equal([fullReduction], Ids(manjian));
        Assert.Equal([newcomer], Ids(youhui));
        Assert.Equal(["Spring sale"], Names(english));
        var hit = manjian.GetProperty("items")[0];
        Assert.Equal(("ACTIVE", true, "PLATFORM"), (hit.Str("status"), hit.GetProperty("claimableNow").GetBoolean(), hit.Str("scope")));
        Assert.True(hit.GetProperty("score").GetSingle() > 0);
    }

    [Fact]
    public async Task A_rename_a_termination_and_an_end_are_followed()
    {
        var id = await CreateAsync(Template("春节红包"));
        var searcher = _app.AsUser(EngineApp.NewId());
        await UntilAsync(searcher, Search("q=" + Uri.EscapeDataString("春节")), p => Ids(p).Count == 1);

        Assert.Equal(HttpStatusCode.OK, (await Merchant.PatchAsJsonAsync($"/api/v1/merchant/templates/{id}", new { name = "元宵红包" })).StatusCode);
        var renamed = await UntilAsync(searcher, Search("q=" + Uri.EscapeDataString("元宵")), p => Ids(p).Count == 1);
        Assert.Empty(Ids(await GetAsync(searcher, Search("q=" + Uri.EscapeDataString("春节")))));
        Assert.Equal(1, renamed.GetProperty("items")[0].GetProperty("version").GetInt32());

        Assert.Equal(HttpStatusCode.OK, (await Merchant.PostAsync($"/api/v1/merchant/templates/{id}/terminate", null)).StatusCode);
        var terminated = await UntilAsync(searcher, Search(""), p => Ids(p).Count == 1 && p.GetProperty("items")[0].Str("status") == "TERMINATED");
        Assert.False(terminated.GetProperty("items")[0].GetProperty("claimableNow").GetBoolean());
        Assert.Empty(Ids(await GetAsync(searcher, Search("claimableNow=true"))));
    }

    [Fact]
    public async Task Filters_and_cursors_page_through_the_merchants_templates_newest_first()
    {
        var created = new List<string>();
        for (var i = 0; i < 5; i++) created.Add(await CreateAsync(Template("周末特惠 " + i, productIds: [9000 + i], scope: "PRODUCTS")));
        var searcher = _app.AsMerchant(_merchantId);
        await UntilAsync(searcher, Search("limit=100"), p => Ids(p).Count == 5);

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await GetAsync(searcher, Search("limit=2" + (cursor is null ? "" : "&cursor=" + cursor)));
            seen.AddRange(Ids(page));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(Enumerable.Reverse(created), seen);
        Assert.Equal([created[3]], Ids(await GetAsync(searcher, Search("productId=9003"))));
        Assert.Equal(created.Count, Ids(await GetAsync(searcher, Search("scope=PRODUCTS&type=THRESHOLD&q=" + Uri.EscapeDataString("特惠")))).Count);
        Assert.Empty(Ids(await GetAsync(searcher, Search("scope=SHOP"))));
    }

    [Fact]
    public async Task The_exposure_shows_what_a_shopper_can_claim_on_the_page_with_their_own_remaining_limit()
    {
        var shop = EngineApp.NewId();
        var product = EngineApp.NewId();
        var forShop = await CreateAsync(Template("店铺满减券", scope: "SHOP", shopId: shop, stock: 3, perUserLimit: 2));
        var forProduct = await CreateAsync(Template("单品立减", scope: "PRODUCTS", productIds: [product], stock: 10, perUserLimit: 1));
        await CreateAsync(Template("别的店", scope: "SHOP", shopId: shop + 1_000_000_000));
        await CreateAsync(Template("还没开始", scope: "SHOP", shopId: shop, startsIn: TimeSpan.FromHours(1)));
        var userId = EngineApp.NewId();
        var user = _app.AsUser(userId);
        using var anonymous = _app.CreateClient();
        var productPage = $"/api/v1/search/exposure?productId={product}&shopId={shop}&limit=100";
        await UntilAsync(anonymous, productPage, p => Ids(p).Contains(forShop) && Ids(p).Contains(forProduct));
        await user.ClaimedCouponIdAsync(forShop);

        // PLATFORM templates of other tests show on every page too: look at this test's own.
        var mine = (await GetAsync(user, productPage)).GetProperty("items").EnumerateArray().Where(i => i.Id() == forShop || i.Id() == forProduct)
            .ToList();
        var asAnonymous = (await GetAsync(anonymous, $"/api/v1/search/exposure?shopId={shop}&limit=100")).GetProperty("items").EnumerateArray()
            .Where(i => i.Id() == forShop).ToList();

        Assert.Equal([forProduct, forShop], mine.Select(i => i.Id()));
        Assert.Equal(1, mine[1].GetProperty("remainingForYou").GetInt32()); // 2 per user, 1 claimed
        Assert.Equal(2, mine[1].GetProperty("stockLeft").GetInt64());
        Assert.Equal(1, mine[0].GetProperty("remainingForYou").GetInt32());
        Assert.Equal(JsonValueKind.Null, Assert.Single(asAnonymous).GetProperty("remainingForYou").ValueKind);

        await _app.AsUser(EngineApp.NewId()).ClaimedCouponIdAsync(forShop);
        await _app.AsUser(EngineApp.NewId()).ClaimedCouponIdAsync(forShop); // the last of the stock
        Assert.DoesNotContain(forShop, Ids(await GetAsync(anonymous, productPage)));
        Assert.Contains(forProduct, Ids(await GetAsync(anonymous, productPage)));
    }

    [Fact]
    public async Task A_rebuild_from_the_event_log_answers_as_before()
    {
        var id = await CreateAsync(Template("年货节优惠券"));
        await Merchant.PatchAsJsonAsync($"/api/v1/merchant/templates/{id}", new { description = "全场通用" });
        var searcher = _app.AsOperator();
        var before = await UntilAsync(searcher, Search("q=" + Uri.EscapeDataString("通用")), p => Ids(p).Count == 1);
        var lastRebuild = (await GetAsync(searcher, "/api/v1/operator/search")).GetProperty("lastRebuildFinishedAt").GetString();
        _app.Clock.Advance(TimeSpan.FromSeconds(1)); // the app's clock stands still otherwise: this rebuild's finish would read as the last one's

        var accepted = await searcher.PostAsync("/api/v1/operator/search/rebuild", null);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var status = await UntilAsync(searcher, "/api/v1/operator/search",
            s => !s.GetProperty("rebuilding").GetBoolean() && s.GetProperty("lastRebuildFinishedAt").GetString() != lastRebuild);

        Assert.Equal("READY", status.Str("state"));
        Assert.True(status.GetProperty("lastRebuildEvents").GetInt64() >= 2);
        Assert.True(status.GetProperty("documents").GetInt64() >= 1);
        Assert.Equal(Ids(before), Ids(await GetAsync(searcher, Search("q=" + Uri.EscapeDataString("通用")))));
        await (await _app.AsUser(1).PostAsync("/api/v1/operator/search/rebuild", null)).AssertProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Fact]
    public async Task The_lag_behind_the_write_side_is_reported_and_scraped()
    {
        await CreateAsync(Template("lag"));
        var status = await UntilAsync(
            _app.AsOperator(), "/api/v1/operator/search", s => s.GetProperty("lagSeconds").ValueKind == JsonValueKind.Number);
        var scrape = await Eventually(async () =>
        {
            var (code, body) = await _app.ManagementGetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, code);
            return body;
        }, body => body.Contains("promotion_search_index_lag"), Seconds(30), "the index lag in the scrape", every: TimeSpan.FromMilliseconds(100));

        Assert.True(status.GetProperty("lagSeconds").GetDouble() >= 0);
        Assert.Contains("promotion_search_index_lag", scrape);
        Assert.Contains("promotion_search_documents", scrape);
    }

    [Fact]
    public async Task Bad_queries_are_refused_with_every_field_named()
    {
        var searcher = _app.AsOperator();
        using var anonymous = _app.CreateClient();

        var search = await (await searcher.GetAsync(
            "/api/v1/search/templates?scope=GLOBAL&type=FREE&limit=0&merchantId=0&cursor=nope&q=" + new string('x', 101)))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        var exposure = await (await anonymous.GetAsync("/api/v1/search/exposure?limit=101")).AssertProblemAsync(
            HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        var scoredCursor = (await GetAsync(searcher, "/api/v1/search/templates?limit=1")).GetProperty("nextCursor").GetString();

        Assert.Equal(["cursor", "limit", "merchantId", "q", "scope", "type"],
            search.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["limit", "productId"], exposure.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        if (scoredCursor is not null) // a recency cursor does not continue a text query
            await (await searcher.GetAsync($"/api/v1/search/templates?q=x&cursor={scoredCursor}")).AssertProblemAsync(
                HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        await (await anonymous.GetAsync("/api/v1/search/templates")).AssertProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
    }

    [Fact]
    public async Task Gift_templates_are_found_by_their_type()
    {
        await CreateAsync(Template("满100减20 with a sample"));
        var gift = await CreateAsync(new Dictionary<string, object?>
        {
            ["name"] = "满199送试用装", ["currency"] = "CNY", ["scope"] = "PLATFORM", ["type"] = "GIFT", ["thresholdAmount"] = 19_900,
            ["gift"] = new { sku = "SAMPLE-50ML", stock = 50 }, ["validFrom"] = Now.AddMinutes(-1), ["validUntil"] = Now.AddDays(30),
            ["stock"] = 100, ["perUserLimit"] = 1,
        });

        var found = await UntilAsync(_app.AsOperator(), Search("type=GIFT"), p => Ids(p).Count == 1);

        Assert.Equal([gift], Ids(found));
        Assert.Equal("GIFT", found.GetProperty("items")[0].Str("type"));
    }
}

/// <summary>The backbone apps with a quick refresh of the searchers.</summary>
public static class SearchApps
{
    public static EngineApp Quick(EngineApp app) =>
        app.WithSetting("Search:RefreshInterval", "00:00:00.020").WithSetting("Search:IndexDirectory", "memory").WithManagementPort();
}

public sealed class SqliteSearch() : BackboneApp(SearchApps.Quick(new SqliteApp()));

public sealed class MariaDbSearch() : BackboneApp(SearchApps.Quick(new MariaDbApp()));

public sealed class NatsSearch() : BackboneApp(SearchApps.Quick(NatsBackbone.NatsOn(new MariaDbApp(), NatsServer.Url)))
{
    public override async Task InitializeAsync()
    {
        await NatsServer.RequireAsync(NatsServer.Url);
        await base.InitializeAsync();
    }
}

public sealed class SearchApiOnSqlite(SqliteSearch fixture) : SearchApi(fixture), IClassFixture<SqliteSearch>;

public sealed class SearchApiOnMariaDb(MariaDbSearch fixture) : SearchApi(fixture), IClassFixture<MariaDbSearch>;

public sealed class SearchApiOnNats(NatsSearch fixture) : SearchApi(fixture), IClassFixture<NatsSearch>;
