using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Contracts.Events.MerchantAdmin.V1;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Platform.Messaging;
using PromotionEngine.Platform.Messaging.InProcess;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Messaging;

/// <summary>
/// The event backbone end to end, on each transport: every state change reaches consumers once, in order per
/// aggregate; delayed events fall due with the clock; a consumer that keeps failing is dead-lettered and replayed.
/// </summary>
public abstract class Backbone(BackboneApp fixture)
{
    private readonly EngineApp _app = fixture.App;
    private readonly HttpClient _merchant = fixture.App.AsMerchant(EngineApp.NewId());

    private Task<JsonElement> TemplateAsync(TimeSpan? lasts = null, string? validityAfterClaim = null, int perUserLimit = 3) =>
        _merchant.CreateTemplateAsync(
            Api.ATemplate(_app.Clock.GetUtcNow(), stock: 100, perUserLimit: perUserLimit, lasts: lasts, validityAfterClaim: validityAfterClaim));

    /// <summary>
    /// The recorder's effects for one aggregate, once at least <paramref name="count"/> are there (the clock moves on,
    /// for retries and timers).
    /// </summary>
    private Task<IReadOnlyList<EventRecorder.Effect>> EffectsOfAsync(string aggregate, int count, bool advanceClock = false) =>
        Eventually(() => EffectsOfNowAsync(aggregate), effects => effects.Count >= count, Seconds(30), $"{count} effects of {aggregate}",
            between: advanceClock ? () => _app.Clock.Advance(TimeSpan.FromSeconds(1)) : null);

    /// <summary>The recorder's effects for one aggregate as they stand.</summary>
    private async Task<IReadOnlyList<EventRecorder.Effect>> EffectsOfNowAsync(string aggregate) =>
        (await EventRecorder.EffectsAsync(fixture.Database)).Where(e => e.Envelope.AggregateId == aggregate).ToList();

    [Fact]
    public async Task Who_funds_a_template_travels_in_every_event_of_it()
    {
        var template = Api.ATemplate(_app.Clock.GetUtcNow());
        var body = JsonSerializer.SerializeToElement(template).EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value);
        (body["funding"], body["platformShareBps"]) = ("SPLIT", 4000);
        var id = (await _merchant.CreateTemplateAsync(body)).Id();
        Assert.Equal(HttpStatusCode.OK, (await _merchant.PatchAsJsonAsync($"/api/v1/merchant/templates/{id}", new { name = "Renamed" })).StatusCode);

        var effects = await EffectsOfAsync(id, 2);

        Assert.Equal(["template-created", "template-changed"], effects.Select(e => e.Envelope.Type));
        var states = effects.Select(e => e.Envelope.PayloadAs<TemplateChanged>().Template).ToList(); // every event carries the template whole
        Assert.All(states, t => Assert.Equal((FundingKinds.Split, 4000), (t.Funding, t.PlatformShareBps)));
    }

    [Fact]
    public async Task Template_events_reach_a_consumer_once_each_and_in_order()
    {
        var template = await TemplateAsync();
        var id = template.Id();
        Assert.Equal(HttpStatusCode.OK, (await _merchant.PatchAsJsonAsync($"/api/v1/merchant/templates/{id}", new { name = "Renamed" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _merchant.PostAsJsonAsync($"/api/v1/merchant/templates/{id}/stock", new { quantity = 5 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _merchant.PostAsync($"/api/v1/merchant/templates/{id}/terminate", null)).StatusCode);

        var effects = await EffectsOfAsync(id, 4);

        Assert.Equal(["template-created", "template-changed", "template-stock-added", "template-terminated"], effects.Select(e => e.Envelope.Type));
        Assert.Equal(4, effects.Select(e => e.EventId).Distinct().Count());
        var changed = effects[1].Envelope.PayloadAs<TemplateChanged>();
        Assert.Equal(["name"], changed.ChangedFields);
        Assert.Equal("Renamed", changed.Template.Name);
        Assert.Equal(105, effects[2].Envelope.PayloadAs<TemplateStockAdded>().Template.Stock);
        Assert.Equal([0, 1, 2, 3], effects.Select(e => e.Envelope.PayloadAs<TemplateTerminated>().Template.Version));
        var created = effects[0].Envelope;
        Assert.Equal(
            ("merchant-admin", 1, long.Parse(template.Str("merchantId"))), (created.Producer, created.SchemaVersion, created.TenantId!.Value));
    }

    [Fact]
    public async Task Every_instance_handler_sees_template_changes()
    {
        var id = (await TemplateAsync()).Id();
        await _merchant.PatchAsJsonAsync($"/api/v1/merchant/templates/{id}", new { description = "now with more" });

        await Eventually(() => Task.FromResult(fixture.Recorder.SeenByInstance.Count(e => e.AggregateId == id)), seen => seen >= 2, Seconds(30),
            $"the instance handler to see two events of {id}");

        Assert.Equal(
            ["template-created", "template-changed"], fixture.Recorder.SeenByInstance.Where(e => e.AggregateId == id).Select(e => e.Type).Distinct());
    }

    [Fact]
    public async Task A_coupon_tells_its_whole_life_in_order()
    {
        var template = (await TemplateAsync()).Id();
        var userId = EngineApp.NewId();
        var coupon = await _app.AsUser(userId).ClaimedCouponIdAsync(template);
        var order = Api.NewOrderId();
        var service = _app.AsService();
        Assert.Equal(HttpStatusCode.OK, (await service.LockAsync(order, userId, [coupon])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.OrderAsync(order, "consume")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.OrderAsync(order, "refund")).StatusCode);

        var effects = await EffectsOfAsync(coupon, 4);

        Assert.Equal(["coupon-claimed", "coupon-locked", "coupon-consumed", "coupon-refunded"], effects.Select(e => e.Envelope.Type));
        var claimed = effects[0].Envelope.PayloadAs<CouponClaimed>();
        Assert.Equal((userId, CouponSources.Claim, (string?)null), (claimed.UserId, claimed.Source, claimed.SourceId));
        Assert.Equal(order, effects[1].Envelope.PayloadAs<CouponLocked>().OrderId);
        Assert.Equal("AVAILABLE", effects[3].Envelope.PayloadAs<CouponRefunded>().Status);
        Assert.All(effects, e => Assert.Equal(coupon, e.Envelope.PartitionKey));
    }

    [Fact]
    public async Task A_template_ends_when_its_timer_falls_due_and_an_extension_moves_the_end()
    {
        var id = (await TemplateAsync(lasts: TimeSpan.FromHours(1))).Id();
        var extended = (await _merchant.PatchAsJsonAsync($"/api/v1/merchant/templates/{id}",
            new { validUntil = _app.Clock.GetUtcNow().AddHours(2) })).StatusCode;
        Assert.Equal(HttpStatusCode.OK, extended);
        var timers = await EndTimersAsync(id);
        Assert.Equal(2, timers.Count);

        // The first end's timer fires and finds the template extended: nothing is announced.
        _app.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        await HandledAsync("merchant-admin.template-end", timers[0]);
        Assert.DoesNotContain("template-ended", (await EffectsOfAsync(id, 2)).Select(e => e.Envelope.Type));

        _app.Clock.Advance(TimeSpan.FromHours(1));
        var effects = await EffectsOfAsync(id, 3, advanceClock: true);

        Assert.Equal(["template-created", "template-changed", "template-ended"], effects.Select(e => e.Envelope.Type));
        var ended = effects[2].Envelope;
        Assert.Equal(ended.PayloadAs<TemplateEnded>().Template.ValidUntil, ended.OccurredAt);
        Assert.Equal(1, effects.Count(e => e.Envelope.Type == "template-ended"));
    }

    /// <summary>The event ids of a template's end timers still waiting in the outbox, earliest first.</summary>
    private async Task<IReadOnlyList<Guid>> EndTimersAsync(string template)
    {
        await using var connection = await fixture.Database.OpenAsync(CancellationToken.None);
        var envelopes = await connection.QueryAsync<string>("SELECT envelope FROM msg_outbox WHERE schedule_key LIKE @Key ORDER BY due_at",
            new { Key = $"merchant-admin.template-end:{template}:%" });
        return envelopes.Select(e => EventEnvelope.FromJson(e).EventId).ToList();
    }

    /// <summary>
    /// Waits until the consumer has handled the event: its inbox says so on a broker; in process, the event has left the outbox and
    /// the consumer's delivery of it is gone (deleted in the commit that handled it).
    /// </summary>
    private Task HandledAsync(string consumer, Guid eventId) => Eventually(async () =>
    {
        await using var connection = await fixture.Database.OpenAsync(CancellationToken.None);
        var id = eventId.ToString();
        if (fixture.KeepsInbox)
            return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM msg_inbox WHERE consumer = @Consumer AND event_id = @Id",
                new { Consumer = consumer, Id = id }) == 1;
        if (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM msg_outbox WHERE event_id = @Id", new { Id = id }) > 0) return false;
        var deliveries = await connection.QueryAsync<InProcessConsumers.Row>(
            "SELECT id, consumer, partition_key AS PartitionKey, envelope, packed, event_count AS EventCount FROM msg_deliveries " +
            "WHERE consumer = @Consumer", new { Consumer = consumer });
        return !deliveries.SelectMany(d => d.Envelopes()).Any(e => e.Contains(id)); // packed deliveries carry several events
    }, Seconds(30), $"{consumer} to handle {eventId}");

    [Fact]
    public async Task A_coupon_expires_at_its_own_end_by_its_timer()
    {
        var template = (await TemplateAsync(validityAfterClaim: "PT10M")).Id();
        var coupon = await _app.AsUser(EngineApp.NewId()).ClaimedCouponIdAsync(template);
        _app.Clock.Advance(TimeSpan.FromMinutes(10));

        var effects = await EffectsOfAsync(coupon, 2, advanceClock: true);

        Assert.Equal(["coupon-claimed", "coupon-expired"], effects.Select(e => e.Envelope.Type));
        Assert.Equal("EXPIRED", await StoredStatusAsync(coupon)); // stored by the timer: the sweep runs hourly here
    }

    [Fact]
    public async Task An_abandoned_checkout_releases_its_coupon_when_the_hold_lapses()
    {
        var template = (await TemplateAsync()).Id();
        var userId = EngineApp.NewId();
        var coupon = await _app.AsUser(userId).ClaimedCouponIdAsync(template);
        var order = Api.NewOrderId();
        await _app.AsService().LockAsync(order, userId, [coupon], ttlSeconds: 60);
        _app.Clock.Advance(TimeSpan.FromSeconds(60));

        var effects = await EffectsOfAsync(coupon, 3, advanceClock: true);

        Assert.Equal(["coupon-claimed", "coupon-locked", "coupon-released"], effects.Select(e => e.Envelope.Type));
        var released = effects[2].Envelope.PayloadAs<CouponReleased>();
        Assert.Equal((ReleaseReasons.HoldExpired, "AVAILABLE", order), (released.Reason, released.Status, released.OrderId));
        Assert.Equal("AVAILABLE", await StoredStatusAsync(coupon));
    }

    [Fact]
    public async Task A_consumer_that_keeps_failing_is_dead_lettered_then_replayed_once()
    {
        var failing = new HashSet<string>();
        fixture.Recorder.FailWhen = e => { lock (failing) return failing.Contains(e.AggregateId); };
        var pending = (await _merchant.CreateTemplateAsync(Api.ATemplate(_app.Clock.GetUtcNow()))).Id();
        await EffectsOfAsync(pending, 1); // created and handled; from now on the consumer fails on this template
        lock (failing) failing.Add(pending);
        await _merchant.PatchAsJsonAsync($"/api/v1/merchant/templates/{pending}", new { name = "Fails every time" });
        var operatorClient = _app.AsOperator();

        var letter = await DeadLetterAsync(operatorClient, pending, "template-changed");

        Assert.Equal(3, letter.GetProperty("attempts").GetInt32());
        Assert.Equal("CONSUME", letter.Str("stage"));
        Assert.Equal(EventRecorder.Consumer, letter.Str("consumer"));
        Assert.Contains("told to fail", letter.Str("lastError"));
        lock (failing) failing.Clear();

        var replay = await operatorClient.PostAsync($"/api/v1/operator/dead-letters/{letter.Id()}/replay", null);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        var again = await operatorClient.PostAsync($"/api/v1/operator/dead-letters/{letter.Id()}/replay", null);
        await again.AssertProblemAsync(HttpStatusCode.Conflict, "DEAD_LETTER_ALREADY_REPLAYED");

        var effects = await EffectsOfAsync(pending, 2);
        Assert.Equal(["template-created", "template-changed"], effects.Select(e => e.Envelope.Type));
    }

    [Fact]
    public async Task A_consumer_handles_an_event_in_the_trace_of_the_request_that_caused_it()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "PromotionEngine.Messaging" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/merchant/templates")
        {
            Content = JsonContent.Create(Api.ATemplate(_app.Clock.GetUtcNow())),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        var id = (await (await _merchant.SendAsync(request)).JsonAsync()).Id();
        var effect = (await EffectsOfAsync(id, 1)).Single();

        Assert.Equal(traceId.ToString(), effect.Envelope.TraceParent?.Split('-')[1]);
        await Eventually(() => Task.FromResult(spans.Any(s => s.Source.Name == "PromotionEngine.Messaging" && s.TraceId == traceId
            && s.DisplayName == $"{EventRecorder.Consumer} template-created")), Seconds(10), "the consumer's span in the request's trace");
        Assert.Contains(spans, s => s.Source.Name == "PromotionEngine.Messaging" && s.TraceId == traceId && s.Kind == ActivityKind.Consumer
            && s.DisplayName == $"{EventRecorder.Consumer} template-created");
    }

    [Fact]
    public async Task Many_events_recorded_at_once_share_a_row_and_are_each_delivered_once_in_order_per_key()
    {
        var keys = Enumerable.Range(0, 5).Select(_ => EngineApp.NewId().ToString()).ToList();
        var events = Enumerable.Range(0, 60)
            .Select(i => OutgoingEvent.Now(
                new CouponExpired(long.Parse(keys[i % 5]), 1, 2, 3, _app.Clock.GetUtcNow(), _app.Clock.GetUtcNow().AddSeconds(i)),
                _app.Clock.GetUtcNow(), keys[i % 5]))
            .ToList();

        await using (var scope = await fixture.Database.BeginWriteAsync(CancellationToken.None))
        {
            await _app.Services.GetRequiredService<IOutbox>().AddAsync(events, scope, CancellationToken.None);
            var counts = await scope.Connection.QueryAsync<int>("SELECT event_count FROM msg_outbox WHERE event_id = @Id",
                new { Id = events[0].Envelope.EventId.ToString() }, scope.Transaction);
            Assert.Equal([60], counts);
            await scope.CommitAsync(CancellationToken.None);
        }

        foreach (var key in keys)
        {
            var effects = await EffectsOfAsync(key, 12);
            Assert.Equal(events.Where(e => e.Envelope.AggregateId == key).Select(e => e.Envelope.EventId), effects.Select(e => e.EventId));
        }
    }

    [Fact]
    public async Task A_redelivered_event_is_skipped_by_the_consumers_inbox()
    {
        var id = (await TemplateAsync()).Id();
        var first = (await EffectsOfAsync(id, 1))[0].Envelope;
        var subscription = _app.Services.GetRequiredService<Subscriptions>().Group(EventRecorder.Consumer, first.Subject)!;
        if (!fixture.KeepsInbox) await RecordInInboxAsync(first.EventId); // as a replayed dead letter is: through the inbox

        var handledAgain = await _app.Services.GetRequiredService<EventDispatcher>()
            .HandleAsync(subscription, first, 2, null, inbox: true, null, CancellationToken.None);

        Assert.False(handledAgain);
        // The dispatcher handles in the caller's transaction and has committed by now: one look proves the negative.
        Assert.Single(await EffectsOfNowAsync(id));
    }

    [Fact]
    public async Task Consumers_keep_an_inbox_only_on_a_broker()
    {
        var id = (await TemplateAsync()).Id();
        var first = (await EffectsOfAsync(id, 1))[0].Envelope;

        await using var connection = await fixture.Database.OpenAsync(CancellationToken.None);
        var recorded = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM msg_inbox WHERE consumer = @Consumer AND event_id = @Id",
            new { Consumer = EventRecorder.Consumer, Id = first.EventId.ToString() });
        Assert.Equal(fixture.KeepsInbox ? 1 : 0, recorded);
    }

    private async Task RecordInInboxAsync(Guid eventId)
    {
        await using var scope = await fixture.Database.BeginWriteAsync(CancellationToken.None);
        await scope.Connection.ExecuteAsync("INSERT INTO msg_inbox (consumer, event_id, processed_at) VALUES (@Consumer, @Id, @At)",
            new { Consumer = EventRecorder.Consumer, Id = eventId.ToString(), At = UtcMillis.From(_app.Clock.GetUtcNow()) }, scope.Transaction);
        await scope.CommitAsync(CancellationToken.None);
    }

    [Fact]
    public async Task The_event_log_replays_the_template_history_in_order()
    {
        var id = (await TemplateAsync()).Id();
        await _merchant.PostAsJsonAsync($"/api/v1/merchant/templates/{id}/stock", new { quantity = 1 });
        await EffectsOfAsync(id, 2); // published by now

        var log = _app.Services.GetRequiredService<IEventLog>();
        var history = new List<EventEnvelope>();
        await foreach (var e in log.ReadAsync([EventSubjects.Of<TemplateCreated>(), EventSubjects.Of<TemplateStockAdded>()], CancellationToken.None))
            if (e.AggregateId == id) history.Add(e);

        Assert.Equal(["template-created", "template-stock-added"], history.Select(e => e.Type));
    }

    [Fact]
    public async Task Claims_are_not_kept_in_the_event_log()
    {
        var template = (await TemplateAsync()).Id();
        var coupon = await _app.AsUser(EngineApp.NewId()).ClaimedCouponIdAsync(template);
        await EffectsOfAsync(coupon, 1);

        await using var connection = await fixture.Database.OpenAsync(CancellationToken.None);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM msg_event_log WHERE subject = @S", new { S = EventSubjects.Of<CouponClaimed>() }));
    }

    [Fact]
    public async Task The_operator_sees_the_backbone_drained()
    {
        var template = (await TemplateAsync()).Id();
        await EffectsOfAsync(template, 1);

        var status = await (await _app.AsOperator().GetAsync("/api/v1/operator/messaging")).JsonAsync();

        Assert.Equal(0, status.GetProperty("outboxDue").GetInt64());
        Assert.False(string.IsNullOrEmpty(status.Str("transport")));
        Assert.Equal(HttpStatusCode.Forbidden, (await _merchant.GetAsync("/api/v1/operator/messaging")).StatusCode);
    }

    /// <summary>The consumer's dead letter for the event, once there (the clock moves on, for the retries before it).</summary>
    private async Task<JsonElement> DeadLetterAsync(HttpClient operatorClient, string aggregate, string type) =>
        (await Eventually(async () =>
        {
            var page = await (await operatorClient.GetAsync($"/api/v1/operator/dead-letters?consumer={EventRecorder.Consumer}&limit=100"))
                .JsonAsync();
            return page.GetProperty("items").EnumerateArray()
                .Where(item => item.GetProperty("envelope").Str("aggregateId") == aggregate && item.GetProperty("envelope").Str("type") == type)
                .Select(item => (JsonElement?)item).FirstOrDefault();
        }, letter => letter is not null, Seconds(30), $"a dead letter for {type} of {aggregate}",
            between: () => _app.Clock.Advance(TimeSpan.FromSeconds(1))))!.Value;

    private async Task<string> StoredStatusAsync(string coupon)
    {
        await using var connection = await fixture.Database.OpenAsync(CancellationToken.None);
        return await connection.QuerySingleAsync<string>("SELECT status FROM en_user_coupons WHERE id = @Id", new { Id = long.Parse(coupon) });
    }
}

public sealed class BackboneOnSqlite(SqliteBackbone app) : Backbone(app), IClassFixture<SqliteBackbone>;

public sealed class BackboneOnMariaDb(MariaDbBackbone app) : Backbone(app), IClassFixture<MariaDbBackbone>;

public sealed class BackboneOnNats(NatsBackbone app) : Backbone(app), IClassFixture<NatsBackbone>;
