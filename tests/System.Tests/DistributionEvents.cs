using Dapper;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PromotionEngine.Contracts.Engine;
using PromotionEngine.Contracts.Events.Distribution.V1;
using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.System.Tests.Infrastructure;
using PromotionEngine.System.Tests.Messaging;

namespace PromotionEngine.System.Tests;

/// <summary>A distribution task tells what it did: one CouponClaimed per issued coupon, a push per coupon when asked, the task's own events in order.</summary>
public abstract class DistributionEvents(BackboneApp fixture)
{
    private readonly EngineApp _app = fixture.App;
    private readonly HttpClient _merchant = fixture.App.AsMerchant(EngineApp.NewId());

    [Fact]
    public async Task Every_issued_coupon_is_one_claimed_event_of_the_task_and_one_push()
    {
        var template = (await _merchant.CreateTemplateAsync(Api.ATemplate(_app.Clock.GetUtcNow(), stock: 1000))).Id();
        var users = Enumerable.Range(0, 250).Select(_ => EngineApp.NewId()).ToArray();
        var task = await _merchant.CreateTaskAsync(Distributions.Form(template, Distributions.CsvOfUsers(users), notify: "SMS"));
        await _merchant.UntilAsync(task, "SUCCEEDED");

        var effects = await Eventually(() => EventRecorder.EffectsAsync(fixture.Database), effects =>
                effects.Count(e => e.Envelope.AggregateId == task && e.Envelope.Type == "distribution-task-completed") == 1 &&
                Claimed(effects, task).Count() >= users.Length && effects.Count(e => e.Envelope.Type == "coupon-pushed" && PushOf(e) == task) >= users
                    .Length,
            Seconds(60), $"every event of task {task}", every: TimeSpan.FromMilliseconds(50));

        await using var connection = await fixture.Database.OpenAsync(CancellationToken.None);
        var coupons = (await connection.QueryAsync<long>("SELECT id FROM en_user_coupons WHERE template_id = @T", new { T = long.Parse(template) }))
            .Order()
            .ToList();
        Assert.Equal(coupons, Claimed(effects, task).Select(c => c.UserCouponId).Order());
        Assert.Equal(users.Order(), Claimed(effects, task).Select(c => c.UserId).Order());
        Assert.Equal(users.Length, effects.Count(e => e.Envelope.Type == "coupon-pushed" && PushOf(e) == task));
        Assert.Equal(["distribution-task-created", "distribution-task-started", "distribution-task-completed"],
            effects.Where(e => e.Envelope.AggregateId == task).Select(e => e.Envelope.Type));
        var completed = effects.Single(e => e.Envelope.Type == "distribution-task-completed" && e.Envelope.AggregateId == task).Envelope
            .PayloadAs<DistributionTaskCompleted>();
        Assert.Equal((250L, 250L, 0L), (completed.Counts.Processed, completed.Counts.Issued, completed.Counts.Failed));
    }

    private static IEnumerable<CouponClaimed> Claimed(IEnumerable<EventRecorder.Effect> effects, string task) =>
        effects.Where(e => e.Envelope.Type == "coupon-claimed").Select(e => e.Envelope.PayloadAs<CouponClaimed>())
            .Where(c => c.Source == CouponSources.Distribution && c.SourceId == task);

    private static string PushOf(EventRecorder.Effect e) => e.Envelope.PayloadAs<CouponPushed>().TaskId.ToString();
}

public sealed class DistributionEventsOnSqlite(SqliteBackbone app) : DistributionEvents(app), IClassFixture<SqliteBackbone>;

public sealed class DistributionEventsOnMariaDb(MariaDbBackbone app) : DistributionEvents(app), IClassFixture<MariaDbBackbone>;

/// <summary>A chunk that fails on every attempt ends its task FAILED with CHUNK_FAILED instead of keeping it RUNNING for ever.</summary>
public sealed class DistributionPoisonChunk
{
    [Fact]
    public async Task A_chunk_that_always_fails_fails_its_task_after_the_last_attempt()
    {
        await using var app = new SqliteApp();
        app.Settings["Distribution:MaxChunkAttempts"] = "3";
        app.Settings["Distribution:ChunkRetryDelay"] = "00:00:01";
        app.With(b => b.ConfigureTestServices(services => services.Replace(ServiceDescriptor.Singleton<ICouponDistribution, BrokenDistribution>())));
        await app.InitializeAsync();
        var merchant = app.AsMerchant(EngineApp.NewId());
        var template = (await merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow()))).Id();

        var task = await merchant.CreateTaskAsync(Distributions.Form(template, Distributions.CsvOfUsers([EngineApp.NewId(), EngineApp.NewId()])));
        var failed = await merchant.UntilAsync(task, t =>
        {
            app.Clock.Advance(TimeSpan.FromSeconds(1)); // the pause between attempts is on the app's clock
            return t.Str("status") == "FAILED";
        }, "FAILED");

        Assert.Equal("CHUNK_FAILED", failed.Str("failureCode"));
        Assert.Contains("failed 3 times", failed.Str("failureDetail"));
        Assert.Equal(0, failed.Long("issued"));
        await using var connection = await app.Services.GetRequiredService<IDatabase>().OpenAsync(CancellationToken.None);
        Assert.Equal(
            0,
            await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM en_user_coupons WHERE template_id = @T", new { T = long.Parse(template) }));
        await ((IAsyncLifetime)app).DisposeAsync();
    }

    /// <summary>An engine whose issuing is broken (think corrupt data): every chunk throws.</summary>
    private sealed class BrokenDistribution : ICouponDistribution
    {
        public Task<IIssuedCoupons> IssueAsync(DistributionRequest request, WriteScope scope, CancellationToken ct) =>
            throw new InvalidOperationException("The engine cannot issue this chunk.");
    }
}
