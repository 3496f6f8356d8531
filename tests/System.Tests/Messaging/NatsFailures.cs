using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MySqlConnector;
using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Platform.Messaging;
using PromotionEngine.Platform.Messaging.Nats;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Messaging;

/// <summary>
/// The NATS JetStream transport when things go wrong: the broker stops with events pending, refuses an event
/// until its last attempt, or the engine dies between committing events and publishing them.
/// </summary>
[Trait("Category", "Slow")] // stops and restarts a NATS of its own; kills a Host process
public sealed class NatsFailures
{
    private static async Task<(BackboneOnPrivateNats App, PrivateNats Nats)> StartAsync(int maxPublishAttempts = 10)
    {
        var nats = await PrivateNats.StartAsync();
        var app = new BackboneOnPrivateNats(nats.Url, maxPublishAttempts);
        await app.InitializeAsync();
        return (app, nats);
    }

    /// <summary>
    /// The recorder's effects once <paramref name="done"/> holds of them; outbox retries back off on the app's clock,
    /// so it moves on between looks.
    /// </summary>
    private static Task<IReadOnlyList<EventRecorder.Effect>> EffectsAsync(
        BackboneApp app, Func<IReadOnlyList<EventRecorder.Effect>, bool> done, string what) =>
        Eventually(() => EventRecorder.EffectsAsync(app.Database), done, Seconds(60), what, every: TimeSpan.FromMilliseconds(50),
            between: () => app.App.Clock.Advance(TimeSpan.FromSeconds(1)));

    private static async Task<long> OutboxRetryingAsync(IDatabase db)
    {
        await using var connection = await db.OpenAsync(CancellationToken.None);
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM msg_outbox WHERE attempts > 0");
    }

    [Fact]
    public async Task Events_recorded_while_the_broker_is_down_are_delivered_once_when_it_returns()
    {
        var (app, nats) = await StartAsync();
        await using var _ = nats;
        try
        {
            var merchant = app.App.AsMerchant(EngineApp.NewId());
            var before = (await merchant.CreateTemplateAsync(Api.ATemplate(app.App.Clock.GetUtcNow()))).Id();
            await EffectsAsync(app, e => e.Any(x => x.Envelope.AggregateId == before), $"the effect of {before}");

            await nats.StopAsync();
            var during = new List<string>();
            for (var i = 0; i < 5; i++) during.Add((await merchant.CreateTemplateAsync(Api.ATemplate(app.App.Clock.GetUtcNow()))).Id());
            await Eventually(async () => await OutboxRetryingAsync(app.Database) > 0, Seconds(30),
                "publishing to fail while the broker is down (an outbox row with attempts)", every: TimeSpan.FromMilliseconds(50));

            await nats.StartAgainAsync();
            var effects = await EffectsAsync(
                app, e => during.All(t => e.Any(x => x.Envelope.AggregateId == t)), "the effects of the templates made while it was down");

            Assert.All(during, t => Assert.Single(effects, x => x.Envelope.AggregateId == t && x.Envelope.Type == "template-created"));
            Assert.Single(effects, x => x.Envelope.AggregateId == before && x.Envelope.Type == "template-created");
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_event_the_broker_refuses_to_the_last_attempt_is_dead_lettered_and_replayed()
    {
        var (app, nats) = await StartAsync(maxPublishAttempts: 2);
        await using var _ = nats;
        try
        {
            await nats.StopAsync();
            var merchant = app.App.AsMerchant(EngineApp.NewId());
            var template = (await merchant.CreateTemplateAsync(Api.ATemplate(app.App.Clock.GetUtcNow()))).Id();
            var operatorClient = app.App.AsOperator();

            var letter = await Eventually(async () =>
            {
                var page = await (await operatorClient.GetAsync("/api/v1/operator/dead-letters?limit=100")).JsonAsync();
                return page.GetProperty("items").EnumerateArray()
                    .Where(i => i.GetProperty("envelope").Str("aggregateId") == template && i.Str("type") == "template-created")
                    .Select(i => (JsonElement?)i).FirstOrDefault();
            }, l => l is not null, Seconds(30), $"a PUBLISH dead letter for {template}", every: TimeSpan.FromMilliseconds(50),
                between: () => app.App.Clock.Advance(TimeSpan.FromSeconds(1)));
            Assert.NotNull(letter);
            Assert.Equal(("PUBLISH", 2), (letter.Value.Str("stage"), letter.Value.GetProperty("attempts").GetInt32()));

            await nats.StartAgainAsync();
            await ConnectedAsync(operatorClient);
            Assert.Equal(
                HttpStatusCode.OK, (await operatorClient.PostAsync($"/api/v1/operator/dead-letters/{letter.Value.Id()}/replay", null)).StatusCode);
            var effects = await EffectsAsync(app, e => e.Any(x => x.Envelope.AggregateId == template && x.Envelope.Type == "template-created"),
                $"the replayed template-created of {template}");

            Assert.Single(effects, x => x.Envelope.AggregateId == template && x.Envelope.Type == "template-created");
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_packed_row_out_of_attempts_leaves_a_dead_letter_per_event_and_each_replays_once()
    {
        var (app, nats) = await StartAsync(maxPublishAttempts: 2);
        await using var _ = nats;
        try
        {
            await nats.StopAsync();
            var now = app.App.Clock.GetUtcNow();
            var keys = Enumerable.Range(0, 3).Select(_ => EngineApp.NewId().ToString()).ToList();
            await using (var scope = await app.Database.BeginWriteAsync(CancellationToken.None))
            {
                await app.App.Services.GetRequiredService<IOutbox>().AddAsync(
                    keys.Select(k => OutgoingEvent.Now(new CouponExpired(long.Parse(k), 1, 2, 3, now, now), now, k)).ToList(),
                    scope, CancellationToken.None);
                await scope.CommitAsync(CancellationToken.None);
            }
            var operatorClient = app.App.AsOperator();
            var letters = await Eventually(async () =>
            {
                var page = await (await operatorClient.GetAsync("/api/v1/operator/dead-letters?limit=100")).JsonAsync();
                return page.GetProperty("items").EnumerateArray().Where(i => keys.Contains(i.GetProperty("envelope").Str("aggregateId"))).ToList();
            }, found => found.Count >= 3, Seconds(30), "a dead letter for each of the three packed events", every: TimeSpan.FromMilliseconds(50),
                between: () => app.App.Clock.Advance(TimeSpan.FromSeconds(1)));
            Assert.Equal(keys.Order(), letters.Select(l => l.GetProperty("envelope").Str("aggregateId")).Order());

            await nats.StartAgainAsync();
            await ConnectedAsync(operatorClient);
            foreach (var letter in letters)
                Assert.Equal(
                    HttpStatusCode.OK, (await operatorClient.PostAsync($"/api/v1/operator/dead-letters/{letter.Id()}/replay", null)).StatusCode);
            var effects = await EffectsAsync(
                app, e => keys.All(k => e.Any(x => x.Envelope.AggregateId == k)), "the effects of the three replayed events");

            Assert.All(keys, k => Assert.Single(effects, x => x.Envelope.AggregateId == k));
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    /// <summary>
    /// Templates created while the broker is away sit committed in the outbox when the engine is killed. After a
    /// restart the relay publishes them, their end timers fall due, and each end is announced exactly once: the
    /// stream holds every event once.
    /// </summary>
    [Fact]
    public async Task Killed_between_commit_and_publish_the_engine_publishes_after_restart_exactly_once_in_effect()
    {
        await using var nats = await PrivateNats.StartAsync();
        var database = "promo_test_relay_" + Guid.NewGuid().ToString("N")[..8];
        var connectionString = new MySqlConnectionStringBuilder(MariaDbApp.ServerConnectionString) { Database = database }.ConnectionString;
        var tag = Guid.NewGuid().ToString("N")[..8];
        var settings = new Dictionary<string, string>
        {
            ["Promotion:Database:Provider"] = "MySql",
            ["Promotion:Database:ConnectionString"] = connectionString,
            ["Promotion:DataDirectory"] = Path.Combine(Path.GetTempPath(), database),
            ["Promotion:Auth:SigningKey"] = Convert.ToBase64String(EngineApp.SigningKey),
            ["Messaging:Transport"] = "Nats",
            ["Messaging:Nats:Url"] = nats.Url,
            ["Messaging:Nats:StreamPrefix"] = "K" + tag,
            ["Messaging:RetryDelay"] = "00:00:00.100",
            ["Messaging:Nats:PublishTimeout"] = "00:00:01",
            ["Messaging:MaxRetryDelay"] = "00:00:00.500",
        };
        try
        {
            await nats.StopAsync();
            var templates = new List<string>();
            await using (var first = await HostProcess.StartAsync(settings))
            {
                var merchant = Client(first, CallerRole.Merchant, EngineApp.NewId().ToString());
                for (var i = 0; i < 5; i++)
                {
                    var response = await merchant.PostAsJsonAsync("/api/v1/merchant/templates",
                        Api.ATemplate(DateTimeOffset.UtcNow, lasts: TimeSpan.FromSeconds(4)));
                    Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                    templates.Add((await response.JsonAsync()).Id());
                }
                Assert.True(await PendingAsync(connectionString) >= 10, "the events wait in the outbox while the broker is away");
                await first.KillAsync();
            }

            await nats.StartAgainAsync();
            await using var second = await HostProcess.StartAsync(settings);
            var stream = "K" + tag + "_MERCHANT_ADMIN";
            var events = await Eventually(() => ReadIfThereAsync(nats.Url, stream),
                read => templates.All(t => read.Any(e => e.AggregateId == t && e.Type == "template-ended")), Seconds(60),
                $"every template's end in {stream}", every: TimeSpan.FromMilliseconds(200));

            Assert.Equal(events.Count, events.Select(e => e.EventId).Distinct().Count()); // nothing published twice
            foreach (var t in templates)
            {
                Assert.Single(events, e => e.AggregateId == t && e.Type == "template-created");
                Assert.Single(events, e => e.AggregateId == t && e.Type == "template-ended");
            }
            Assert.Equal(0, await PendingAsync(connectionString));
        }
        finally
        {
            await using var connection = new MySqlConnection(MariaDbApp.ServerConnectionString);
            await connection.OpenAsync();
            await new MySqlCommand($"DROP DATABASE IF EXISTS `{database}`", connection).ExecuteNonQueryAsync();
        }
    }

    /// <summary>
    /// A stream made while the broker is away fails (the request times out, a cancelled task); once the broker is back a
    /// later call makes it. Were the failed attempt kept, every consumer and the relay would wait on it forever: the engine
    /// restarted above would never publish.
    /// </summary>
    [Fact]
    public async Task A_stream_whose_creation_timed_out_is_made_by_a_later_call()
    {
        await using var nats = await PrivateNats.StartAsync();
        await nats.StopAsync();
        var options = new MessagingOptions();
        (options.Nats.Url, options.Nats.StreamPrefix, options.Nats.PublishTimeout) =
            (nats.Url, "S" + Guid.NewGuid().ToString("N")[..8], TimeSpan.FromMilliseconds(200));
        await using var jetStream = new NatsJetStream(Options.Create(options));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => jetStream.EnsureStreamAsync("merchant-admin", CancellationToken.None));

        await nats.StartAgainAsync();
        await Eventually(async () =>
        {
            try
            {
                await jetStream.EnsureStreamAsync("merchant-admin", CancellationToken.None);
                return "made";
            }
            catch (Exception e) when (e is OperationCanceledException or NATS.Client.Core.NatsException)
            {
                return e.GetType().Name; // still connecting: the next call tries again
            }
        }, made => made == "made", Seconds(30), "the stream to be made once the broker is back", every: TimeSpan.FromMilliseconds(100));
    }

    /// <summary>Waits until the engine's messaging status says the broker is reachable again.</summary>
    private static Task ConnectedAsync(HttpClient operatorClient) =>
        Eventually(async () => (await (await operatorClient.GetAsync("/api/v1/operator/messaging")).JsonAsync())
            .GetProperty("transportConnected").GetBoolean(), Seconds(30), "the engine to reconnect to NATS", every: TimeSpan.FromMilliseconds(50));

    private static async Task<IReadOnlyList<Kernel.Messaging.EventEnvelope>> ReadIfThereAsync(string url, string stream)
    {
        try
        {
            return await JetStreamContents.ReadAllAsync(url, stream);
        }
        catch (NATS.Client.JetStream.NatsJSApiException)
        {
            return []; // the stream is made on first publish
        }
    }

    private static async Task<long> PendingAsync(string connectionString)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM msg_outbox WHERE subject LIKE 'promo.merchant-admin.%'");
    }

    private static HttpClient Client(HostProcess host, CallerRole role, string id)
    {
        var client = host.CreateClient(TimeSpan.FromSeconds(30));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", EngineApp.Tokens.Issue(role, id, TimeSpan.FromHours(1)));
        return client;
    }
}

/// <summary>MariaDB and a NATS of the test's own.</summary>
public sealed class BackboneOnPrivateNats(string url, int maxPublishAttempts)
    : BackboneApp(NatsBackbone.NatsOn(new MariaDbApp(), url).WithSetting("Messaging:MaxPublishAttempts", maxPublishAttempts.ToString())
        .WithSetting("Messaging:Nats:PublishTimeout", "00:00:01"));
