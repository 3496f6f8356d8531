using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests;

/// <summary>Merchant template endpoints, run on every store.</summary>
public abstract class TemplateApi(EngineApp app)
{
    private readonly long _merchant = EngineApp.NewId();
    private HttpClient Merchant => app.AsMerchant(_merchant);

    [Fact]
    public async Task A_created_template_reads_back_with_its_owner_status_and_nothing_issued()
    {
        var created = await Merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow(), stock: 7, validityAfterClaim: "P7D"));

        var read = await (await Merchant.GetAsync($"/api/v1/merchant/templates/{created.Id()}")).JsonAsync();
        Assert.Equal(_merchant.ToString(), read.Str("merchantId"));
        Assert.Equal("ACTIVE", read.Str("status"));
        Assert.Equal("THRESHOLD", read.Str("type"));
        Assert.Equal("P7D", read.Str("validityAfterClaim"));
        Assert.Equal(7, read.GetProperty("stock").GetInt64());
        Assert.Equal(0, read.GetProperty("issued").GetInt64());
    }

    [Fact]
    public async Task Invalid_input_is_refused_field_by_field_and_stores_nothing()
    {
        var response = await Merchant.PostAsJsonAsync("/api/v1/merchant/templates", new
        {
            name = "",
            currency = "yuan",
            scope = "SHOP",
            type = "PERCENTAGE",
            percentOff = 20000,
            validFrom = app.Clock.GetUtcNow(),
            validUntil = app.Clock.GetUtcNow().AddDays(-1),
            validityAfterClaim = "P1M",
            stock = 0,
            perUserLimit = 0,
        });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Superset(
            new HashSet<string> { "name", "currency", "shopId", "percentOff", "validUntil", "validityAfterClaim", "stock", "perUserLimit" }, fields);
        var list = await (await Merchant.GetAsync("/api/v1/merchant/templates")).JsonAsync();
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_body_that_is_not_the_expected_json_is_a_400_naming_the_field()
    {
        var response = await Merchant.PostAsync("/api/v1/merchant/templates",
            new StringContent("""{"name":"x","stock":"lots"}""", global::System.Text.Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "MALFORMED_REQUEST");
        Assert.True(problem.GetProperty("errors").TryGetProperty("stock", out _));

        var noOffset = await Merchant.PostAsync("/api/v1/merchant/templates",
            new StringContent("""{"name":"x","validFrom":"2026-06-01T00:00:00"}""", global::System.Text.Encoding.UTF8, "application/json"));
        var timeProblem = await noOffset.AssertProblemAsync(HttpStatusCode.BadRequest, "MALFORMED_REQUEST");
        Assert.True(timeProblem.GetProperty("errors").TryGetProperty("validFrom", out _));
    }

    [Fact]
    public async Task The_list_pages_newest_first_with_a_cursor_and_filters()
    {
        var now = app.Clock.GetUtcNow();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++) ids.Add((await Merchant.CreateTemplateAsync(Api.ATemplate(now, name: $"Coupon {i}"))).Id());
        await Merchant.PostAsync($"/api/v1/merchant/templates/{ids[0]}/terminate", null);

        var first = await (await Merchant.GetAsync("/api/v1/merchant/templates?limit=2")).JsonAsync();
        var second = await (await Merchant.GetAsync($"/api/v1/merchant/templates?limit=2&cursor={first.Str("nextCursor")}")).JsonAsync();
        var third = await (await Merchant.GetAsync($"/api/v1/merchant/templates?limit=2&cursor={second.Str("nextCursor")}")).JsonAsync();

        var paged = new[] { first, second, third }.SelectMany(p => p.GetProperty("items").EnumerateArray().Select(t => t.Id())).ToList();
        Assert.Equal(Enumerable.Reverse(ids), paged);
        Assert.Equal(JsonValueKind.Null, third.GetProperty("nextCursor").ValueKind);

        var terminated = await (await Merchant.GetAsync("/api/v1/merchant/templates?status=TERMINATED")).JsonAsync();
        Assert.Equal([ids[0]], terminated.GetProperty("items").EnumerateArray().Select(t => t.Id()));
        var named = await (await Merchant.GetAsync("/api/v1/merchant/templates?name=Coupon%203&type=THRESHOLD&scope=PLATFORM")).JsonAsync();
        Assert.Equal([ids[3]], named.GetProperty("items").EnumerateArray().Select(t => t.Id()));
        await (await Merchant.GetAsync("/api/v1/merchant/templates?status=SOON")).AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        await (await Merchant.GetAsync("/api/v1/merchant/templates?cursor=bogus")).AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
    }

    [Fact]
    public async Task Patch_changes_only_what_is_safe_and_records_before_and_after()
    {
        var now = app.Clock.GetUtcNow();
        var template = await Merchant.CreateTemplateAsync(Api.ATemplate(now, perUserLimit: 2));
        var url = $"/api/v1/merchant/templates/{template.Id()}";
        var later = template.GetProperty("validUntil").GetDateTimeOffset().AddDays(10);

        var changed = await Merchant.PatchAsJsonAsync(url, new { name = "Renamed", validUntil = later, perUserLimit = 3 });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var body = await changed.JsonAsync();
        Assert.Equal("Renamed", body.Str("name"));
        Assert.Equal(3, body.GetProperty("perUserLimit").GetInt32());

        var immutable = await (await Merchant.PatchAsJsonAsync(url, new { stock = 5, currency = "USD" })).AssertProblemAsync(
            HttpStatusCode.UnprocessableEntity, "TEMPLATE_FIELD_IMMUTABLE");
        Assert.True(immutable.GetProperty("errors").TryGetProperty("currency", out _));
        await (await Merchant.PatchAsJsonAsync(url, new { validUntil = now.AddDays(1) })).AssertProblemAsync(
            HttpStatusCode.UnprocessableEntity, "VALID_UNTIL_NOT_EXTENDED");
        await (await Merchant.PatchAsJsonAsync(url, new { perUserLimit = 1 })).AssertProblemAsync(
            HttpStatusCode.UnprocessableEntity, "PER_USER_LIMIT_NOT_RAISED");
        // A refused patch changes nothing, not even the allowed part of it.
        await (await Merchant.PatchAsJsonAsync(url, new { name = "Sneaky", perUserLimit = 1 })).AssertProblemAsync(
            HttpStatusCode.UnprocessableEntity, "PER_USER_LIMIT_NOT_RAISED");
        Assert.Equal("Renamed", (await (await Merchant.GetAsync(url)).JsonAsync()).Str("name"));

        // Asking for what already is changes nothing and adds nothing to the trail.
        Assert.Equal(HttpStatusCode.OK, (await Merchant.PatchAsJsonAsync(url, new { name = "Renamed", perUserLimit = 3 })).StatusCode);

        var history = await (await Merchant.GetAsync(url + "/history")).JsonAsync();
        var entries = history.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["CREATE", "CHANGE"], entries.Select(e => e.Str("operation")));
        var change = entries[1];
        Assert.Equal($"merchant:{_merchant}", change.Str("actor"));
        Assert.Equal("Spend 100 take 10", change.GetProperty("before").Str("name"));
        Assert.Equal("Renamed", change.GetProperty("after").Str("name"));
        Assert.Equal(2, change.GetProperty("before").GetProperty("perUserLimit").GetInt32());
        Assert.False(change.GetProperty("after").TryGetProperty("stock", out _)); // only what changed
    }

    /// <summary>The test template with more members (e.g. who funds it).</summary>
    private object ATemplateWith(object more)
    {
        var values = JsonSerializer.SerializeToElement(Api.ATemplate(app.Clock.GetUtcNow())).EnumerateObject()
            .ToDictionary(p => p.Name, p => (object?)p.Value);
        foreach (var p in JsonSerializer.SerializeToElement(more).EnumerateObject()) values[p.Name] = p.Value;
        return values;
    }

    [Fact]
    public async Task Who_funds_the_discount_is_stored_answered_audited_and_fixed_once_created()
    {
        var split = await Merchant.CreateTemplateAsync(ATemplateWith(new { funding = "SPLIT", platformShareBps = 2500 }));
        var url = $"/api/v1/merchant/templates/{split.Id()}";

        var read = await (await Merchant.GetAsync(url)).JsonAsync();
        Assert.Equal(("SPLIT", 2500), (read.Str("funding"), read.GetProperty("platformShareBps").GetInt32()));
        var merchantFunded = await Merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow()));
        Assert.Equal(("MERCHANT", 0), (merchantFunded.Str("funding"), merchantFunded.GetProperty("platformShareBps").GetInt32()));
        var platformFunded = await Merchant.CreateTemplateAsync(ATemplateWith(new { funding = "PLATFORM" }));
        Assert.Equal(("PLATFORM", 10_000), (platformFunded.Str("funding"), platformFunded.GetProperty("platformShareBps").GetInt32()));

        var created = (await (await Merchant.GetAsync(url + "/history")).JsonAsync()).GetProperty("items")[0];
        Assert.Equal("CREATE", created.Str("operation"));
        var after = created.GetProperty("after");
        Assert.Equal(("SPLIT", 2500), (after.Str("funding"), after.GetProperty("platformShareBps").GetInt32()));

        var immutable = await (await Merchant.PatchAsJsonAsync(url, new { funding = "PLATFORM", platformShareBps = 10_000 })).AssertProblemAsync(
            HttpStatusCode.UnprocessableEntity, "TEMPLATE_FIELD_IMMUTABLE");
        Assert.Equal(["funding", "platformShareBps"], immutable.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("SPLIT", (await (await Merchant.GetAsync(url)).JsonAsync()).Str("funding"));
    }

    [Fact]
    public async Task A_funding_that_does_not_add_up_is_refused_on_its_field()
    {
        foreach (var (body, field) in new (object, string)[]
        {
            (new { funding = "SPLIT" }, "platformShareBps"),
            (new { funding = "SPLIT", platformShareBps = 10_000 }, "platformShareBps"),
            (new { funding = "MERCHANT", platformShareBps = 100 }, "platformShareBps"),
            (new { funding = "PLATFORM", platformShareBps = 5000 }, "platformShareBps"),
            (new { funding = "BOTH", platformShareBps = 5000 }, "funding"),
        })
        {
            var problem = await (await Merchant.PostAsJsonAsync("/api/v1/merchant/templates", ATemplateWith(body))).AssertProblemAsync(
                HttpStatusCode.BadRequest, "VALIDATION_FAILED");
            Assert.Equal([field], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        }
        Assert.Equal(0, (await (await Merchant.GetAsync("/api/v1/merchant/templates")).JsonAsync()).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Stock_is_added_and_terminating_twice_is_the_same_as_once()
    {
        var template = await Merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow(), stock: 10));
        var url = $"/api/v1/merchant/templates/{template.Id()}";

        var added = await (await Merchant.PostAsJsonAsync(url + "/stock", new { quantity = 5 })).JsonAsync();
        Assert.Equal(15, added.GetProperty("stock").GetInt64());
        await (await Merchant.PostAsJsonAsync(url + "/stock", new { quantity = 0 })).AssertProblemAsync(
            HttpStatusCode.BadRequest, "VALIDATION_FAILED");

        Assert.Equal("TERMINATED", (await (await Merchant.PostAsync(url + "/terminate", null)).JsonAsync()).Str("status"));
        Assert.Equal(HttpStatusCode.OK, (await Merchant.PostAsync(url + "/terminate", null)).StatusCode);
        await (await Merchant.PostAsJsonAsync(url + "/stock", new { quantity = 5 })).AssertProblemAsync(
            HttpStatusCode.Conflict, "TEMPLATE_TERMINATED");

        var history = await (await Merchant.GetAsync(url + "/history")).JsonAsync();
        Assert.Equal(["CREATE", "ADD_STOCK", "TERMINATE"], history.GetProperty("items").EnumerateArray().Select(e => e.Str("operation")));
    }

    [Fact]
    public async Task An_idempotency_key_makes_a_retried_stock_addition_count_once()
    {
        var template = await Merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow(), stock: 10));
        var url = $"/api/v1/merchant/templates/{template.Id()}/stock";
        async Task<HttpResponseMessage> Add(long quantity)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(new { quantity }) };
            request.Headers.Add("Idempotency-Key", "stock-1");
            return await Merchant.SendAsync(request);
        }

        Assert.Equal(15, (await (await Add(5)).JsonAsync()).GetProperty("stock").GetInt64());
        Assert.Equal(15, (await (await Add(5)).JsonAsync()).GetProperty("stock").GetInt64()); // the retry adds nothing
        await (await Add(7)).AssertProblemAsync(HttpStatusCode.Conflict, "IDEMPOTENCY_KEY_REUSED");
        var history = await (await Merchant.GetAsync($"/api/v1/merchant/templates/{template.Id()}/history")).JsonAsync();
        Assert.Equal(["CREATE", "ADD_STOCK"], history.GetProperty("items").EnumerateArray().Select(e => e.Str("operation")));
    }

    [Fact]
    public async Task An_idempotency_key_makes_a_retried_create_return_the_first_template()
    {
        var template = Api.ATemplate(app.Clock.GetUtcNow());
        async Task<HttpResponseMessage> Create(object body)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/merchant/templates") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", "create-1");
            return await Merchant.SendAsync(request);
        }

        var first = await Create(template);
        var again = await Create(template);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal((await first.JsonAsync()).Id(), (await again.JsonAsync()).Id());
        await (await Create(Api.ATemplate(app.Clock.GetUtcNow(), name: "Other"))).AssertProblemAsync(
            HttpStatusCode.Conflict, "IDEMPOTENCY_KEY_REUSED");
        Assert.Equal(1, (await (await Merchant.GetAsync("/api/v1/merchant/templates")).JsonAsync()).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_merchant_sees_only_its_own_templates_and_other_roles_none()
    {
        var template = await Merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow()));
        var url = $"/api/v1/merchant/templates/{template.Id()}";
        var other = app.AsMerchant(EngineApp.NewId());

        await (await other.GetAsync(url)).AssertProblemAsync(HttpStatusCode.NotFound, "TEMPLATE_NOT_FOUND");
        await (await other.PostAsync(url + "/terminate", null)).AssertProblemAsync(HttpStatusCode.NotFound, "TEMPLATE_NOT_FOUND");
        await (await other.GetAsync(url + "/history")).AssertProblemAsync(HttpStatusCode.NotFound, "TEMPLATE_NOT_FOUND");
        Assert.Equal(0, (await (await other.GetAsync("/api/v1/merchant/templates")).JsonAsync()).GetProperty("items").GetArrayLength());
        await (await app.AsUser(EngineApp.NewId()).GetAsync(url)).AssertProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        await (await app.CreateClient().GetAsync(url)).AssertProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
        var forged = app.CreateClient();
        forged.DefaultRequestHeaders.Authorization = new("Bearer", "eyJhbGciOiJub25lIn0.eyJyb2xlIjoiTUVSQ0hBTlQifQ.");
        await (await forged.GetAsync(url)).AssertProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
    }

    [Fact]
    public async Task The_openapi_document_and_health_need_no_token()
    {
        var client = app.CreateClient();
        var openapi = await (await client.GetAsync("/openapi/v1.json")).JsonAsync();
        Assert.True(openapi.GetProperty("paths").TryGetProperty("/api/v1/claims", out _));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
    }
}

public sealed class TemplateApiOnSqlite(SqliteApp app) : TemplateApi(app), IClassFixture<SqliteApp>;

public sealed class TemplateApiOnMariaDb(MariaDbApp app) : TemplateApi(app), IClassFixture<MariaDbApp>;
