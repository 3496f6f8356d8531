using System.Net;
using System.Net.Http.Json;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Observability;

/// <summary>
/// An in-process app on the Redis claim path with a management port, which has been through every path the business metrics
/// count: claims (issued, replayed, limit reached, sold out, not open), the Redis gate and a counter rebuild, a quote, lock,
/// consume and refund, a lock and release, an order event the saga refuses, and a distribution task. <see cref="ScrapeAsync"/>
/// is the Prometheus text from its management port once every one of those shows.
/// </summary>
public sealed class ExercisedApp : IAsyncLifetime
{
    /// <summary>Series the scenario must have produced before the scrape is taken: metric name and one label pair each.</summary>
    public static readonly (string Metric, string Label)[] Expected =
    [
        ("promotion_claims_total", "outcome=\"issued\""),
        ("promotion_claims_total", "outcome=\"replayed\""),
        ("promotion_claims_total", "outcome=\"limit_reached\""),
        ("promotion_claims_total", "outcome=\"out_of_stock\""),
        ("promotion_claims_total", "outcome=\"not_started\""),
        ("promotion_claims_total", "window=\"open\""),
        ("promotion_claims_total", "window=\"not_started\""),
        ("promotion_claim_duration_seconds_bucket", "outcome=\"issued\""),
        ("promotion_claim_batch_size_bucket", "outcome=\"committed\""),
        ("promotion_claim_batch_wait_seconds_bucket", "le=\"0.0005\""),
        ("promotion_claim_gate_decisions_total", "decision=\"granted\""),
        ("promotion_claim_gate_decisions_total", "decision=\"limit_reached\""),
        ("promotion_claim_gate_decisions_total", "decision=\"out_of_stock\""),
        ("promotion_claim_gate_counter_rebuilds_total", "step=\"loaded\""),
        ("promotion_claim_gate_counter_rebuilds_total", "step=\"dropped\""),
        ("promotion_coupon_transitions_total", "verb=\"lock\""),
        ("promotion_coupon_transitions_total", "verb=\"consume\""),
        ("promotion_coupon_transitions_total", "verb=\"refund\""),
        ("promotion_coupon_transitions_total", "verb=\"release\""),
        ("promotion_checkout_requests_total", "outcome=\"applied\""),
        ("promotion_quote_duration_seconds_bucket", "outcome=\"quoted\""),
        ("promotion_quote_combinations_bucket", "mode=\"best\""),
        ("promotion_saga_steps_total", "source=\"http\""),
        ("promotion_saga_steps_total", "outcome=\"refused\""),
        ("promotion_saga_refusals_total", "reason=\"ORDER_EVENT_INVALID\""),
        ("promotion_distribution_rows_total", "outcome=\"issued\""),
        ("promotion_distribution_task_transitions_total", "state=\"scheduled\""),
        ("promotion_distribution_task_transitions_total", "state=\"running\""),
        ("promotion_distribution_task_transitions_total", "state=\"succeeded\""),
        ("promotion_distribution_chunk_failures_total", "outcome=\"retried\""),
        ("promotion_distribution_active_shards", ""),
        ("promotion_messaging_published_total", "subject="),
        ("promotion_messaging_dead_lettered_total", "consumer=\"settlement.order-saga\""),
        ("promotion_messaging_relay_lag_seconds", ""),
    ];

    private readonly RedisApp _app = new();
    private readonly SemaphoreSlim _once = new(1, 1);
    private string? _scrape;

    public async Task InitializeAsync()
    {
        _app.WithManagementPort();
        await _app.InitializeAsync();
    }

    /// <summary>Runs the scenario the first time, then answers the same scrape.</summary>
    public async Task<string> ScrapeAsync()
    {
        await _once.WaitAsync();
        try
        {
            return _scrape ??= await ExerciseAsync();
        }
        finally
        {
            _once.Release();
        }
    }

    /// <summary>The series of one metric in a scrape: each line starting with its name.</summary>
    public static IEnumerable<string> Series(string scrape, string metric) =>
        scrape.Split('\n').Where(
            line => line.StartsWith(metric + "{", StringComparison.Ordinal) || line.StartsWith(metric + " ", StringComparison.Ordinal));

    private async Task<string> ExerciseAsync()
    {
        var now = _app.Clock.GetUtcNow();
        var merchant = _app.AsMerchant(EngineApp.NewId());
        var service = _app.AsService();

        // Claims: two issued, a retry, the per-user limit, sold out, not open yet.
        var scarce = (await merchant.CreateTemplateAsync(Api.ATemplate(now, stock: 2, perUserLimit: 1))).Id();
        var first = _app.AsUser(EngineApp.NewId());
        var key = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.Created, (await first.ClaimAsync(scarce, key)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await first.ClaimAsync(scarce, key)).StatusCode);
        await (await first.ClaimAsync(scarce)).AssertProblemAsync(HttpStatusCode.Conflict, "USER_LIMIT_REACHED");
        await _app.AsUser(EngineApp.NewId()).ClaimedCouponIdAsync(scarce);
        await (await _app.AsUser(EngineApp.NewId()).ClaimAsync(scarce)).AssertProblemAsync(HttpStatusCode.Conflict, "OUT_OF_STOCK");
        var later = (await merchant.CreateTemplateAsync(Api.ATemplate(now, startsIn: TimeSpan.FromDays(1)))).Id();
        await (await first.ClaimAsync(later)).AssertProblemAsync(HttpStatusCode.Conflict, "NOT_STARTED");
        Assert.Equal(HttpStatusCode.OK, (await _app.AsOperator().PostAsync($"/api/v1/operator/claim-counters/rebuild?templateId={scarce}", null))
            .StatusCode);

        // Checkout: a quote, then lock by quote, consume and refund; another lock released.
        var plenty = (await merchant.CreateTemplateAsync(Api.ATemplate(now, stock: 1000, perUserLimit: 5))).Id();
        var buyer = EngineApp.NewId();
        var coupons = new List<string>();
        for (var i = 0; i < 3; i++) coupons.Add(await _app.AsUser(buyer).ClaimedCouponIdAsync(plenty));
        var quote = await service.PostAsJsonAsync("/api/v1/settlement/quotes", new
        {
            userId = buyer, currency = "CNY", lines = new[] { new { sku = "shoe", shopId = 501, unitPrice = 20_000, quantity = 1 } },
        });
        Assert.Equal(HttpStatusCode.OK, quote.StatusCode);
        var paid = Api.NewOrderId();
        var quoteId = (await quote.JsonAsync()).Str("quoteId");
        Assert.Equal(HttpStatusCode.OK, (await service.PostAsJsonAsync($"/api/v1/orders/{paid}/coupons/lock", new { quoteId, ttlSeconds = 900 }))
            .StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.OrderAsync(paid, "consume")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.OrderAsync(paid, "refund")).StatusCode);
        var dropped = Api.NewOrderId();
        Assert.Equal(HttpStatusCode.OK, (await service.LockAsync(dropped, buyer, [coupons[2]])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.OrderAsync(dropped, "release")).StatusCode);

        // The saga refuses an order event it cannot act on (a hold of 0 seconds).
        var ingest = await service.PostAsJsonAsync("/api/v1/settlement/order-events", new
        {
            eventId = Guid.NewGuid(), type = "order-created",
            payload = new
            {
                orderId = Api.NewOrderId(), userId = buyer, currency = "CNY", couponIds = new[] { long.Parse(coupons[1]) }, lockTtlSeconds = 0,
                createdAt = now,
            },
        });
        Assert.Equal(HttpStatusCode.Accepted, ingest.StatusCode);

        // A distribution task of three rows.
        var task = await merchant.CreateTaskAsync(
            Distributions.Form(plenty, Distributions.CsvOfUsers([EngineApp.NewId(), EngineApp.NewId(), EngineApp.NewId()])));
        await merchant.UntilAsync(task, "SUCCEEDED");

        var scrape = await Eventually(async () =>
        {
            var (status, body) = await _app.ManagementGetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, status);
            return body;
        }, body => Missing(body).Count == 0, Seconds(60), "every business metric in the scrape", every: TimeSpan.FromMilliseconds(250));
        var file = Repository.PathOf("TestResults", "metrics-scrape.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, scrape);
        return scrape;
    }

    /// <summary>The expected series the scrape lacks.</summary>
    public static List<string> Missing(string scrape) =>
        Expected.Where(e => !Series(scrape, e.Metric).Any(line => line.Contains(e.Label, StringComparison.Ordinal)))
            .Select(e => $"{e.Metric} {e.Label}").ToList();

    public async Task DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>The tests that read the exercised app's scrape share one app and one run of the scenario.</summary>
[CollectionDefinition(nameof(ExercisedApp))]
public sealed class ExercisedAppCollection : ICollectionFixture<ExercisedApp>;
