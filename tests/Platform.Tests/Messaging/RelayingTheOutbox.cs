using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Platform.Messaging;
using PromotionEngine.Platform.Messaging.Outbox;
using PromotionEngine.Platform.Persistence;
using PromotionEngine.Platform.Tests.Infrastructure;
using PromotionEngine.Platform.Web;

namespace PromotionEngine.Platform.Tests.Messaging;

/// <summary>
/// One relay round at a time, against a transport of the test's own: rows go out in order, a round takes at most its batch
/// of events, a refused event and the rest of its key wait with backoff, and after the last attempt it is a dead letter.
/// </summary>
public sealed class RelayingTheOutbox : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(At);
    private readonly RecordingTransport _transport = new();
    private readonly MessagingOptions _options = new() { RelayBatchSize = 500, MaxPublishAttempts = 3 };
    private readonly MessagingMetrics _metrics = new(new Subscriptions([], Roles.Parse("all", ["engine"])));
    private ScratchDatabase _store = null!;
    private SqlOutbox _outbox = null!;
    private OutboxRelay _relay = null!;

    public async Task InitializeAsync()
    {
        _store = await ScratchDatabase.MigratedAsync();
        var db = _store.Database;
        var ids = new IdGenerator(_clock, 1);
        var signal = new OutboxSignal();
        var dispatcher = new EventDispatcher(db, new ServiceCollection().BuildServiceProvider(), _clock, NullLogger<EventDispatcher>.Instance);
        var subscriptions = new Subscriptions([], Roles.Parse("all", ["engine"]));
        var deadLetters = new DeadLetters(db, ids, _clock, subscriptions, dispatcher, signal, new SqlKeyedRequests(db, _clock));
        _outbox = new SqlOutbox(db, ids, _clock, signal);
        _relay = new OutboxRelay(db, _transport, deadLetters, dispatcher, signal, new InstanceIdentity(), _metrics, _clock,
            Microsoft.Extensions.Options.Options.Create(_options), NullLogger<OutboxRelay>.Instance);
    }

    public Task DisposeAsync()
    {
        _relay.Dispose();
        _metrics.Dispose();
        _store.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Packed_rows_go_out_in_order_and_a_round_takes_at_most_its_batch_of_events()
    {
        var events = Enumerable.Range(1, 1201).Select(i => OutgoingEvent.Now(Released(i), At, "k" + i)).ToList();
        await AddAsync(events);

        Assert.Equal(500, await RelayAsync());
        Assert.Equal(500, await RelayAsync());
        Assert.Equal(201, await RelayAsync());
        Assert.Equal(0, await RelayAsync());

        Assert.Equal([500, 500, 201], _transport.Batches.Select(b => b.Count));
        Assert.Equal(events.Select(e => e.Envelope.EventId), _transport.Published);
        Assert.Equal(0, await OutboxCountAsync());
    }

    [Fact]
    public async Task A_row_packed_as_text_before_V1_4_is_relayed_like_any_other()
    {
        var first = EventEnvelope.Create(Released(1), At, "1");
        var second = EventEnvelope.Create(Released(2), At, "2");
        await using (var scope = await _store.Database.BeginWriteAsync(CancellationToken.None))
        {
            await scope.Connection.ExecuteAsync(
                "INSERT INTO msg_outbox (id, event_id, subject, partition_key, retained, due_at, schedule_key, envelope, packed, event_count, " +
                "attempts, next_attempt_at, last_error, created_at) " +
                "VALUES (1, @EventId, @Subject, '*', 0, @Now, NULL, @Text, NULL, 2, 0, @Now, NULL, @Now)",
                new { EventId = first.EventId.ToString(), first.Subject, Text = first.ToJson() + "\n" + second.ToJson(), Now = UtcMillis.From(At) },
                scope.Transaction);
            await scope.CommitAsync(CancellationToken.None);
        }

        Assert.Equal(2, await RelayAsync());

        Assert.Equal([first.EventId, second.EventId], _transport.Published);
        Assert.Equal(0, await OutboxCountAsync());
    }

    [Fact]
    public async Task A_refused_event_and_the_rest_of_its_key_wait_with_backoff_then_go_out_in_order()
    {
        var first = OutgoingEvent.Now(Released(1), At, "1", partitionKey: "order-1");
        var second = OutgoingEvent.Now(Released(2), At, "2", partitionKey: "order-1");
        await AddAsync([first]);
        await AddAsync([second]);
        _transport.Refusing = true;

        await RelayAsync();

        var rows = await OutboxAsync();
        Assert.Equal([1L, 1L], rows.Select(r => r.Attempts));
        Assert.Equal(["refused for the test", "The broker did not accept the event."], rows.Select(r => r.LastError));
        // The first retry waits RetryDelay, give or take the jitter; the second row never before the first.
        Assert.All(rows, r => Assert.InRange(
            TimeSpan.FromMilliseconds(r.NextAttemptAt - UtcMillis.From(At)), _options.RetryDelay * 0.8, _options.RetryDelay * 1.2));
        Assert.True(rows[1].NextAttemptAt >= rows[0].NextAttemptAt);
        Assert.Equal(0, await RelayAsync()); // nothing is due before then

        _transport.Refusing = false;
        _clock.Advance(_options.RetryDelay * 1.2);
        Assert.Equal(1, await RelayAsync()); // the second waits while the first is in the outbox
        Assert.Equal(1, await RelayAsync());
        Assert.Equal([first.Envelope.EventId, second.Envelope.EventId], _transport.Published);
        Assert.Equal(0, await OutboxCountAsync());
    }

    /// <summary>
    /// Rows of one key refused together used to be retried each on its own jittered backoff (the later row's overwrote the
    /// hold-back the earlier one set), so about half of them came due in reverse; and a row written during the retries was
    /// due at once. Many keys, so the jitter cannot happen to line up.
    /// </summary>
    [Fact]
    public async Task Events_of_a_key_refused_together_or_written_during_the_retries_go_out_in_the_order_written()
    {
        var keys = Enumerable.Range(1, 40).Select(k => "order-" + k).ToList();
        var written = keys.ToDictionary(k => k, _ => new List<Guid>());
        var coupon = 0;
        async Task WriteAsync()
        {
            foreach (var key in keys)
            {
                var e = OutgoingEvent.Now(
                    Released(++coupon), _clock.GetUtcNow(), coupon.ToString(System.Globalization.CultureInfo.InvariantCulture), partitionKey: key);
                await AddAsync([e]);
                written[key].Add(e.Envelope.EventId);
            }
        }
        await WriteAsync();
        await WriteAsync();
        _transport.Refusing = true;
        await RelayAsync();
        await RelayAsync();
        _clock.Advance(_options.RetryDelay * 1.2);
        await RelayAsync(); // the first rows' second attempt
        await WriteAsync(); // due at once, while the earlier rows of their keys wait

        _transport.Refusing = false;
        for (var round = 0; round < 20 && await OutboxCountAsync() > 0; round++)
        {
            _clock.Advance(_options.MaxRetryDelay * 1.2);
            while (await RelayAsync() > 0) { }
        }

        Assert.Equal(0, await OutboxCountAsync());
        var published = _transport.Published.ToList();
        foreach (var key in keys)
            Assert.Equal(written[key], published.Where(written[key].Contains));
    }

    [Fact]
    public async Task An_event_refused_on_every_attempt_becomes_a_publish_dead_letter()
    {
        var refused = OutgoingEvent.Now(Released(1), At, "1");
        await AddAsync([refused]);
        _transport.Refusing = true;

        for (var attempt = 1; attempt <= _options.MaxPublishAttempts; attempt++)
        {
            Assert.Equal(1, await RelayAsync());
            _clock.Advance(_options.MaxRetryDelay * 1.2);
        }

        Assert.Equal(0, await OutboxCountAsync());
        await using var connection = await _store.Database.OpenAsync(CancellationToken.None);
        var letter = await connection.QuerySingleAsync<(string Stage, string EventId, long Attempts)>(
            "SELECT stage, event_id, attempts FROM msg_dead_letters");
        Assert.Equal((DeadLetterStages.Publish, refused.Envelope.EventId.ToString(), (long)_options.MaxPublishAttempts), letter);
    }

    private static CouponReleased Released(long coupon) => new(coupon, 2, 3, 4, "order-" + coupon, "RELEASED", "AVAILABLE", At);

    private Task<int> RelayAsync() => _relay.RelayOnceAsync(CancellationToken.None);

    private async Task AddAsync(IReadOnlyList<OutgoingEvent> events)
    {
        await using var scope = await _store.Database.BeginWriteAsync(CancellationToken.None);
        await _outbox.AddAsync(events, scope, CancellationToken.None);
        await scope.CommitAsync(CancellationToken.None);
    }

    private async Task<long> OutboxCountAsync()
    {
        await using var connection = await _store.Database.OpenAsync(CancellationToken.None);
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM msg_outbox");
    }

    private async Task<List<(long Attempts, long NextAttemptAt, string? LastError)>> OutboxAsync()
    {
        await using var connection = await _store.Database.OpenAsync(CancellationToken.None);
        return (await connection.QueryAsync<(long, long, string?)>("SELECT attempts, next_attempt_at, last_error FROM msg_outbox ORDER BY id"))
            .ToList();
    }

    /// <summary>
    /// Accepts every event, or, while <see cref="Refusing"/>, refuses the first event of each key and leaves the key's later ones
    /// untried, as the NATS transport does; records what it accepted, batch by batch.
    /// </summary>
    private sealed class RecordingTransport : IEventTransport
    {
        public bool Refusing { get; set; }

        public List<IReadOnlyList<OutboxMessage>> Batches { get; } = [];

        public IEnumerable<Guid> Published => Batches.SelectMany(b => b).Select(m => m.EventId);

        public string Name => "Recording";

        public bool? Connected => null;

        public Task<PublishOutcome> PublishAsync(IReadOnlyList<OutboxMessage> batch, CancellationToken ct)
        {
            if (!Refusing) Batches.Add(batch);
            return Task.FromResult(Refusing
                ? new PublishOutcome(
                    new HashSet<Guid>(), batch.GroupBy(m => m.PartitionKey).ToDictionary(key => key.First().EventId, _ => "refused for the test"))
                : PublishOutcome.All(batch));
        }

        public Task EnlistAsync(IReadOnlyList<OutboxMessage> published, WriteScope scope, CancellationToken ct) => Task.CompletedTask;

        public Task PublishedAsync(IReadOnlyList<OutboxMessage> published, CancellationToken ct) => Task.CompletedTask;
    }
}
