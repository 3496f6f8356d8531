using System.Net;
using System.Net.Http.Json;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests;

/// <summary>
/// Idempotency-Key on every state-changing request: the same key and request get the first answer (status, body,
/// Location), the same key with another request 409 IDEMPOTENCY_KEY_REUSED, a malformed key 400 naming the header.
/// </summary>
public abstract class IdempotencyKeys(EngineApp app)
{
    private readonly long _merchant = EngineApp.NewId();
    private HttpClient Merchant => app.AsMerchant(_merchant);
    private readonly HttpClient _service = app.AsService();

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, string? key, object? body = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        if (key is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    /// <summary>The retry answers exactly as the first request did.</summary>
    private static async Task AssertSameAnswerAsync(HttpResponseMessage first, HttpResponseMessage again)
    {
        Assert.Equal(first.StatusCode, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, again.Headers.Location);
    }

    private static async Task AssertMalformedKeyAsync(HttpResponseMessage response)
    {
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(problem.GetProperty("errors").TryGetProperty("Idempotency-Key", out _), problem.ToString());
    }

    private static Task AssertReusedAsync(HttpResponseMessage response)
        => response.AssertProblemAsync(HttpStatusCode.Conflict, "IDEMPOTENCY_KEY_REUSED");

    [Fact]
    public async Task A_retried_patch_gets_the_first_answer_even_after_a_later_change_and_changes_nothing()
    {
        var url = $"/api/v1/merchant/templates/{(await Merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow()))).Id()}";

        var first = await SendAsync(Merchant, HttpMethod.Patch, url, "patch-1", new { name = "First" });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Merchant.PatchAsJsonAsync(url, new { name = "Second" })).StatusCode);

        await AssertSameAnswerAsync(first, await SendAsync(Merchant, HttpMethod.Patch, url, "patch-1", new { name = "First" }));
        Assert.Equal("Second", (await (await Merchant.GetAsync(url)).JsonAsync()).Str("name")); // the retry did not rename it back
        await AssertReusedAsync(await SendAsync(Merchant, HttpMethod.Patch, url, "patch-1", new { name = "Third" }));
        await AssertReusedAsync(await SendAsync(Merchant, HttpMethod.Post, url + "/terminate", "patch-1"));
        await AssertMalformedKeyAsync(await SendAsync(Merchant, HttpMethod.Patch, url, "bad key", new { name = "Fourth" }));
        await AssertMalformedKeyAsync(await SendAsync(Merchant, HttpMethod.Patch, url, new string('k', 101), new { name = "Fourth" }));
        Assert.Equal("Second", (await (await Merchant.GetAsync(url)).JsonAsync()).Str("name"));

        // Keys are the caller's: another merchant's "patch-1" is another key (and this template is not theirs).
        await (await SendAsync(app.AsMerchant(EngineApp.NewId()), HttpMethod.Patch, url, "patch-1", new { name = "First" }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "TEMPLATE_NOT_FOUND");
        var history = await (await Merchant.GetAsync(url + "/history")).JsonAsync();
        Assert.Equal(["CREATE", "CHANGE", "CHANGE"], history.GetProperty("items").EnumerateArray().Select(e => e.Str("operation")));
    }

    [Fact]
    public async Task Concurrent_requests_under_one_key_change_the_template_once()
    {
        var url = $"/api/v1/merchant/templates/{(await Merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow()))).Id()}";

        var answers = await Task.WhenAll(
            Enumerable.Range(0, 10).Select(i => SendAsync(Merchant, HttpMethod.Patch, url, "race-1", new { name = $"Name {i}" })));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        var history = await (await Merchant.GetAsync(url + "/history")).JsonAsync();
        Assert.Equal(["CREATE", "CHANGE"], history.GetProperty("items").EnumerateArray().Select(e => e.Str("operation")));
    }

    [Fact]
    public async Task Terminate_and_the_task_verbs_answer_a_retry_with_the_first_answer()
    {
        var template = (await Merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow()))).Id();
        var task = await Merchant.CreateTaskAsync(Distributions.Form(template, Distributions.CsvOfUsers([EngineApp.NewId()]),
            startAt: app.Clock.GetUtcNow().AddHours(1)));
        var taskUrl = $"/api/v1/merchant/distribution-tasks/{task}";

        var cancelled = await SendAsync(Merchant, HttpMethod.Post, taskUrl + "/cancel", "task-1");
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        await AssertSameAnswerAsync(cancelled, await SendAsync(Merchant, HttpMethod.Post, taskUrl + "/cancel", "task-1"));
        await AssertReusedAsync(await SendAsync(Merchant, HttpMethod.Post, taskUrl + "/pause", "task-1"));
        await AssertMalformedKeyAsync(await SendAsync(Merchant, HttpMethod.Post, taskUrl + "/resume", new string('r', 101)));

        var terminated = await SendAsync(Merchant, HttpMethod.Post, $"/api/v1/merchant/templates/{template}/terminate", "end-1");
        Assert.Equal(HttpStatusCode.OK, terminated.StatusCode);
        await AssertSameAnswerAsync(
            terminated, await SendAsync(Merchant, HttpMethod.Post, $"/api/v1/merchant/templates/{template}/terminate", "end-1"));
    }

    [Fact]
    public async Task A_retried_reminder_is_created_once_and_answered_201_again()
    {
        var template = (await Merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow(), startsIn: TimeSpan.FromDays(1)))).Id();
        var user = app.AsUser(EngineApp.NewId());

        var created = await SendAsync(user, HttpMethod.Post, "/api/v1/me/reminders", "remind-1", new { templateId = template, minutesBefore = 10 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        // Without the key a repeat answers 200 with the reminder; with it, the first answer: 201 and its Location.
        await AssertSameAnswerAsync(
            created, await SendAsync(user, HttpMethod.Post, "/api/v1/me/reminders", "remind-1", new { templateId = template, minutesBefore = 10 }));
        await AssertReusedAsync(
            await SendAsync(user, HttpMethod.Post, "/api/v1/me/reminders", "remind-1", new { templateId = template, minutesBefore = 20 }));

        var url = created.Headers.Location!.ToString();
        var cancelled = await SendAsync(user, HttpMethod.Delete, url, "cancel-1");
        Assert.Equal(HttpStatusCode.NoContent, cancelled.StatusCode);
        await AssertSameAnswerAsync(cancelled, await SendAsync(user, HttpMethod.Delete, url, "cancel-1"));
        await AssertMalformedKeyAsync(await SendAsync(user, HttpMethod.Delete, url, "caf\u00e9"));
    }

    [Fact]
    public async Task Order_verbs_and_settlement_refunds_take_a_key_with_the_same_rules()
    {
        var user = EngineApp.NewId();
        var template = (await Merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow()))).Id();
        var coupon = await app.AsUser(user).ClaimedCouponIdAsync(template);
        var order = Api.NewOrderId();
        var lockBody = new { userId = user, couponIds = new[] { coupon }, ttlSeconds = 600 };

        var locked = await SendAsync(_service, HttpMethod.Post, $"/api/v1/orders/{order}/coupons/lock", "lock-1", lockBody);
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        await AssertSameAnswerAsync(locked, await SendAsync(_service, HttpMethod.Post, $"/api/v1/orders/{order}/coupons/lock", "lock-1", lockBody));
        await AssertReusedAsync(await SendAsync(_service, HttpMethod.Post, $"/api/v1/orders/{order}/coupons/consume", "lock-1"));
        await AssertMalformedKeyAsync(await SendAsync(_service, HttpMethod.Post, $"/api/v1/orders/{order}/coupons/consume", "a b"));
        Assert.Equal(
            HttpStatusCode.OK, (await SendAsync(_service, HttpMethod.Post, $"/api/v1/orders/{order}/coupons/consume", "consume-1")).StatusCode);

        var refund = await SendAsync(_service, HttpMethod.Post, $"/api/v1/settlement/orders/{order}/refunds", "refund-1", new { refundId = "r-1" });
        Assert.Equal(HttpStatusCode.OK, refund.StatusCode);
        await AssertSameAnswerAsync(
            refund, await SendAsync(_service, HttpMethod.Post, $"/api/v1/settlement/orders/{order}/refunds", "refund-1", new { refundId = "r-1" }));
        await AssertReusedAsync(
            await SendAsync(_service, HttpMethod.Post, $"/api/v1/settlement/orders/{order}/refunds", "refund-1", new { refundId = "r-2" }));

        var cart = new { userId = user, currency = "CNY", lines = new[] { new { sku = "a", shopId = 1, unitPrice = 100, quantity = 1 } } };
        await AssertMalformedKeyAsync(await SendAsync(_service, HttpMethod.Post, "/api/v1/settlement/quotes", "\u0001", cart));
        var ingest = new
        {
            eventId = Guid.NewGuid(), type = "order-cancelled", payload = new { orderId = Api.NewOrderId(), cancelledAt = app.Clock.GetUtcNow() },
        };
        var accepted = await SendAsync(_service, HttpMethod.Post, "/api/v1/settlement/order-events", "event-1", ingest);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await AssertSameAnswerAsync(accepted, await SendAsync(_service, HttpMethod.Post, "/api/v1/settlement/order-events", "event-1", ingest));
    }

    [Fact]
    public async Task The_operator_posts_take_a_key_too()
    {
        var ops = app.AsOperator();
        var rebuild = await SendAsync(ops, HttpMethod.Post, "/api/v1/operator/search/rebuild", "ops-1");
        Assert.Equal(HttpStatusCode.Accepted, rebuild.StatusCode);
        await AssertSameAnswerAsync(rebuild, await SendAsync(ops, HttpMethod.Post, "/api/v1/operator/search/rebuild", "ops-1"));
        await AssertReusedAsync(await SendAsync(ops, HttpMethod.Post, "/api/v1/operator/claim-counters/rebuild", "ops-1"));
        await AssertReusedAsync(await SendAsync(ops, HttpMethod.Post, "/api/v1/operator/dead-letters/1/replay", "ops-1"));
        await AssertMalformedKeyAsync(await SendAsync(ops, HttpMethod.Post, "/api/v1/operator/claim-counters/rebuild", "x y"));
        await AssertMalformedKeyAsync(await SendAsync(ops, HttpMethod.Post, "/api/v1/operator/dead-letters/1/replay", "x y"));
        // A refusal is not recorded: the key stays free, and the request is decided afresh.
        await (await SendAsync(ops, HttpMethod.Post, "/api/v1/operator/dead-letters/1/replay", "ops-2")).AssertProblemAsync(
            HttpStatusCode.NotFound, "DEAD_LETTER_NOT_FOUND");
        await (await SendAsync(ops, HttpMethod.Post, "/api/v1/operator/dead-letters/1/replay", "ops-2")).AssertProblemAsync(
            HttpStatusCode.NotFound, "DEAD_LETTER_NOT_FOUND");
    }

    [Fact]
    public async Task The_openapi_document_names_the_header_where_it_is_taken()
    {
        var paths = (await (await app.CreateClient().GetAsync("/openapi/v1.json")).JsonAsync()).GetProperty("paths");
        bool Takes(string path, string method) => paths.GetProperty(path).GetProperty(method).TryGetProperty("parameters", out var ps)
            && ps.EnumerateArray().Any(p => p.Str("name") == "Idempotency-Key" && p.Str("in") == "header");

        Assert.True(Takes("/api/v1/merchant/templates/{id}", "patch"));
        Assert.True(Takes("/api/v1/me/reminders/{id}", "delete"));
        Assert.True(Takes("/api/v1/orders/{orderId}/coupons/consume", "post"));
        Assert.True(Takes("/api/v1/operator/search/rebuild", "post"));
        Assert.True(Takes("/api/v1/merchant/templates", "post")); // its own, declared by the endpoint
        Assert.False(Takes("/api/v1/merchant/templates/{id}", "get"));
    }
}

public sealed class IdempotencyKeysOnSqlite(SqliteApp app) : IdempotencyKeys(app), IClassFixture<SqliteApp>;

public sealed class IdempotencyKeysOnMariaDb(MariaDbApp app) : IdempotencyKeys(app), IClassFixture<MariaDbApp>;
