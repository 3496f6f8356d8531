using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using OpenTelemetry.Trace;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests;

/// <summary>
/// A group commit on MariaDB sends the batch's statements (claim requests, coupons, the users' and the template's counters and
/// the re-check) in one MySqlBatch: one round trip, whatever the batch holds, then the outbox's rows and the commit. The
/// MySqlConnector spans under the commit's span count the round trips.
/// </summary>
public sealed class GroupCommitRoundTrips
{
    [Fact]
    public async Task A_group_commit_sends_its_claim_statements_to_mariadb_in_one_batch()
    {
        var spans = new ClaimTraces.Spans();
        var app = new RedisApp();
        app.WithSetting("Telemetry:Tracing", "true")
            .With(b => b.ConfigureServices(s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans))));
        try
        {
            await app.InitializeAsync();
            var template = (await app.AsMerchant(EngineApp.NewId()).CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow()))).Id();
            var trace = ActivityTraceId.CreateRandom();
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/claims") { Content = JsonContent.Create(new { templateId = template }) };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
            Assert.Equal(HttpStatusCode.Created, (await app.AsUser(EngineApp.NewId()).SendAsync(request)).StatusCode);

            // The commit's span ends after its commands: once it is exported, so are they.
            var commit = await Eventually(() => Task.FromResult(Snapshot(spans).FirstOrDefault(s => s.TraceId == trace
                && s.DisplayName == "claims group commit")), s => s is not null, Seconds(30), "the group commit's span");
            var commands = Snapshot(spans).Where(s => s.Source.Name == "MySqlConnector" && s.ParentSpanId == commit!.SpanId).ToList();
            // Besides opening, the outbox's rows (the relay's port) and the commit: one batch with every statement of the ledger.
            var ledger = commands.Select(Text)
                .Where(t => t is not ("Open" or "Commit") && t?.Contains("msg_outbox", StringComparison.Ordinal) != true).ToList();
            Assert.Single(ledger); // MySqlConnector names a batch's span "Execute"; a single statement's span is its text
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
        }
    }

    private static string? Text(Activity span) =>
        (span.GetTagItem("db.query.text") ?? span.GetTagItem("db.statement") ?? span.DisplayName)?.ToString();

    private static List<Activity> Snapshot(ClaimTraces.Spans spans) => spans.Snapshot();
}

/// <summary>The claim contract on the Redis path group-committed to SQLite: the ledger's statements one by one in its transaction.</summary>
public sealed class ConcurrencyOnRedisOverSqlite(RedisSqliteApp app) : Concurrency(app), IClassFixture<RedisSqliteApp>;

public sealed class ClaimApiOnRedisOverSqlite(RedisSqliteApp app) : ClaimApi(app), IClassFixture<RedisSqliteApp>;

public sealed class CampaignBudgetsOnRedisOverSqlite(RedisSqliteApp app) : Budgets.CampaignBudgets(app), IClassFixture<RedisSqliteApp>;

public sealed class PeriodLimitsOnRedisOverSqlite(RedisSqliteApp app) : PeriodLimits(app), IClassFixture<RedisSqliteApp>;
