using System.Globalization;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Platform.Messaging.InProcess;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Messaging;

/// <summary>
/// A consumer takes the events that are due together in one transaction (Messaging:ConsumerBatchSize): several keys at once,
/// each key's events in order, an event handled before skipped; a batch that fails is rolled back whole and handled one event
/// per transaction, with the usual retries.
/// </summary>
public abstract class ConsumingInBatches(BackboneApp fixture)
{
    protected EngineApp App { get; } = fixture.App;

    protected BackboneApp Fixture { get; } = fixture;

    /// <summary>
    /// How many transactions events recorded in one commit may take at most: one where the consumer reads them from the database
    /// after that commit; two on a broker, where a fetch may end while the relay is still publishing them.
    /// </summary>
    protected abstract int MostTransactions { get; }

    /// <summary><paramref name="perKey"/> events for each of <paramref name="keys"/> new keys, interleaved (k1, k2, k3, k1, …).</summary>
    protected List<OutgoingEvent> Events(int keys, int perKey)
    {
        var names = Enumerable.Range(0, keys).Select(_ => EngineApp.NewId()).ToList();
        var now = App.Clock.GetUtcNow();
        return [.. Enumerable.Range(0, keys * perKey).Select(i => OutgoingEvent.Now(
            new CouponExpired(names[i % keys], 1, 2, 3, now, now.AddSeconds(i)), now, names[i % keys].ToString()))];
    }

    /// <summary>Records the events in one commit, with the recorder's inbox already holding <paramref name="handledBefore"/>.</summary>
    protected async Task RecordAsync(IReadOnlyList<OutgoingEvent> events, params Guid[] handledBefore)
    {
        await using var scope = await Fixture.Database.BeginWriteAsync(CancellationToken.None);
        await App.Services.GetRequiredService<IOutbox>().AddAsync(events, scope, CancellationToken.None);
        // Handled now: an inbox row of 1970 is older than any retention, and the relay's first round in a fixture purges it.
        foreach (var id in handledBefore)
            await scope.Connection.ExecuteAsync("INSERT INTO msg_inbox (consumer, event_id, processed_at) VALUES (@Consumer, @Id, @At)",
                new { Consumer = EventRecorder.Consumer, Id = id.ToString(), At = UtcMillis.From(App.Clock.GetUtcNow()) }, scope.Transaction);
        await scope.CommitAsync(CancellationToken.None);
    }

    /// <summary>The recorder's effects of these events once there are <paramref name="count"/> (the clock moves on when asked, for retries).</summary>
    protected Task<IReadOnlyList<EventRecorder.Effect>> EffectsAsync(IReadOnlyList<OutgoingEvent> events, int count, bool advanceClock = false)
    {
        var ids = events.Select(e => e.Envelope.EventId).ToHashSet();
        return Eventually(async () => (IReadOnlyList<EventRecorder.Effect>)(await EventRecorder.EffectsAsync(Fixture.Database))
                .Where(e => ids.Contains(e.EventId)).ToList(),
            effects => effects.Count >= count, Seconds(30), $"{count} effects",
            between: advanceClock ? () => App.Clock.Advance(TimeSpan.FromSeconds(1)) : null);
    }

    /// <summary>Each key's effects are its events, each once, in the order they were recorded.</summary>
    protected static void AssertOncePerEventInOrderPerKey(IEnumerable<OutgoingEvent> expected, IReadOnlyList<EventRecorder.Effect> effects)
    {
        foreach (var key in expected.GroupBy(e => e.Envelope.PartitionKey))
            Assert.Equal(key.Select(e => e.Envelope.EventId), effects.Where(e => e.Envelope.PartitionKey == key.Key).Select(e => e.EventId));
    }

    [Fact]
    public async Task Events_of_several_keys_are_handled_in_one_transaction_each_key_in_order()
    {
        Fixture.Recorder.FailWhen = _ => false;
        var events = Events(keys: 3, perKey: 4);

        await RecordAsync(events);
        var effects = await EffectsAsync(events, events.Count);

        AssertOncePerEventInOrderPerKey(events, effects);
        Assert.InRange(effects.Select(e => e.Transaction).Distinct().Count(), 1, MostTransactions);
    }
}

/// <summary>
/// The in-process transport keeps a key's later events back while one of its events waits for a retry, and handles a delivery in
/// the transaction that deletes it (no inbox): a round that read deliveries another round has handled since handles none again.
/// </summary>
public abstract class ConsumingInBatchesInProcess(BackboneApp fixture) : ConsumingInBatches(fixture)
{
    protected override int MostTransactions => 1;

    [Fact]
    public async Task A_round_that_read_deliveries_handled_since_by_another_round_handles_none_of_them_again()
    {
        var events = Events(keys: 3, perKey: 4);
        var ours = events.Select(e => e.Envelope.EventId).ToHashSet();
        using var release = new ManualResetEventSlim();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Fixture.Recorder.FailWhen = e =>
        {
            if (!ours.Contains(e.EventId)) return false;
            entered.TrySetResult();
            release.Wait(TimeSpan.FromSeconds(30)); // the process's own round holds its transaction open here, once
            return false;
        };
        var consumers = App.Services.GetRequiredService<InProcessConsumers>();

        await RecordAsync(events);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var stale = await consumers.DueAsync(CancellationToken.None); // the deliveries, not yet deleted for others to see
        release.Set();
        await EffectsAsync(events, events.Count);
        await consumers.HandleAsync(stale, CancellationToken.None);

        Assert.Equal(events.Count, stale.Where(d => d.Consumer == EventRecorder.Consumer)
            .SelectMany(d => d.Envelopes()).Count(e => ours.Any(id => e.Contains(id.ToString()))));
        // The stale round has returned: one look at the effects proves the negative.
        AssertOncePerEventInOrderPerKey(events, (await EventRecorder.EffectsAsync(Fixture.Database)).Where(e => ours.Contains(e.EventId)).ToList());
        Assert.All(events, e => Assert.Equal(1, Fixture.Recorder.Attempts[e.Envelope.EventId])); // its handler never ran again
    }

    [Fact]
    public async Task A_failing_event_rolls_its_batch_back_is_retried_alone_and_holds_back_its_key()
    {
        var events = Events(keys: 3, perKey: 3); // a1 b1 c1 a2 b2 c2 a3 b3 c3
        var failing = events[4].Envelope; // b2
        var calls = 0;
        Fixture.Recorder.FailWhen = e => e.EventId == failing.EventId && Interlocked.Increment(ref calls) <= 2; // in the batch, then alone

        await RecordAsync(events);
        var settled = events.Where(e => e.Envelope.PartitionKey != failing.PartitionKey).ToList();
        var first = await EffectsAsync(events, settled.Count + 1); // the clock stands still: b2's retry is not due

        AssertOncePerEventInOrderPerKey(settled, first); // handled once each though their batch ran them before it failed
        Assert.Equal([events[1].Envelope.EventId], first.Where(e => e.Envelope.PartitionKey == failing.PartitionKey).Select(e => e.EventId));
        // b2's lone attempt is recorded after the other events' effects commit: wait for it, not for a fixed time.
        var waiting = await Eventually(async () =>
        {
            await using var connection = await Fixture.Database.OpenAsync(CancellationToken.None);
            return await connection.QuerySingleOrDefaultAsync<(int Attempts, long NextAttemptAt, string LastError)>(
                "SELECT attempts, next_attempt_at, last_error FROM msg_deliveries WHERE consumer = @Consumer AND envelope LIKE @Id",
                new { Consumer = EventRecorder.Consumer, Id = $"%{failing.EventId}%" });
        }, row => row.Attempts > 0, Seconds(30), "b2's retry recorded");
        Assert.Equal(1, waiting.Attempts);
        Assert.True(waiting.NextAttemptAt > UtcMillis.From(App.Clock.GetUtcNow()), "b2 waits for its backoff");
        Assert.Contains("told to fail", waiting.LastError);

        var all = await EffectsAsync(events, events.Count, advanceClock: true);

        AssertOncePerEventInOrderPerKey(events, all);
        var tail = all.Where(e => e.EventId == failing.EventId || e.EventId == events[7].Envelope.EventId).ToList(); // b2, b3
        Assert.Single(tail.Select(e => e.Transaction).Distinct()); // the retry and the event it held back: one batch
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task A_packed_delivery_whose_third_event_fails_is_split_the_others_handled_once_and_the_third_dead_lettered_alone()
    {
        var events = Events(keys: 3, perKey: 3); // a1 b1 c1 a2 b2 c2 a3 b3 c3: one outbox row, one delivery to the recorder
        var failing = events[2].Envelope; // c1
        Fixture.Recorder.FailWhen = e => e.EventId == failing.EventId;

        await RecordAsync(events);
        var settled = events.Where(e => e.Envelope.PartitionKey != failing.PartitionKey).ToList();
        var first = await EffectsAsync(events, settled.Count); // the clock stands still: c1's retry is not due

        AssertOncePerEventInOrderPerKey(settled, first); // handled once each though their batch ran them before it failed
        Assert.DoesNotContain(first, e => e.Envelope.PartitionKey == failing.PartitionKey); // c2 and c3 wait behind c1
        // Split into deliveries of their own, in order: c1 waiting for its retry (recorded once its lone attempt failed), c2 and c3.
        var left = await Eventually(async () =>
        {
            await using var connection = await Fixture.Database.OpenAsync(CancellationToken.None);
            return (await connection.QueryAsync<(string Envelope, int Attempts, int EventCount)>(
                "SELECT envelope, attempts, event_count FROM msg_deliveries WHERE consumer = @Consumer AND partition_key = @Key ORDER BY id",
                new { Consumer = EventRecorder.Consumer, Key = failing.PartitionKey })).ToList();
        }, rows => rows.Count > 0 && rows[0].Attempts == 1, Seconds(30), "c1's retry recorded");
        Assert.Equal([events[2], events[5], events[8]], left.Select(d => events.Single(e => d.Envelope.Contains(e.Envelope.EventId.ToString()))));
        Assert.Equal([1, 0, 0], left.Select(d => d.Attempts));
        Assert.All(left, d => Assert.Equal(1, d.EventCount));
        // Later events of a and c, recorded together: c4's packed delivery comes after c1's retry, so it is split and c4 waits too.
        var later = new[] { events[0], events[2] }.Select(e => OutgoingEvent.Now(new CouponExpired(long.Parse(e.Envelope.PartitionKey,
            CultureInfo.InvariantCulture), 1, 2, 3, App.Clock.GetUtcNow(), App.Clock.GetUtcNow().AddHours(1)), App.Clock.GetUtcNow(),
            e.Envelope.PartitionKey)).ToList();
        await RecordAsync(later);
        var a4 = await EffectsAsync(later, 1);
        Assert.Equal([later[0].Envelope.EventId], a4.Select(e => e.EventId));

        var all = await EffectsAsync([.. events, .. later], events.Count - 1 + later.Count, advanceClock: true);

        AssertOncePerEventInOrderPerKey([.. events.Where(e => e.Envelope.EventId != failing.EventId), .. later], all);
        Assert.Equal(6, Fixture.Recorder.Attempts[failing.EventId]); // each of its 3 attempts: in a batch that fails, then alone
        await using (var connection = await Fixture.Database.OpenAsync(CancellationToken.None))
        {
            var dead = await connection.QuerySingleAsync<(string Stage, string Consumer, int Attempts)>(
                "SELECT stage, consumer, attempts FROM msg_dead_letters WHERE event_id = @Id", new { Id = failing.EventId.ToString() });
            Assert.Equal(("CONSUME", EventRecorder.Consumer, 3), dead);
        }
    }

    [Fact]
    public async Task Deliveries_written_one_event_a_row_before_packing_are_still_delivered_in_order()
    {
        Fixture.Recorder.FailWhen = _ => false;
        var events = Events(keys: 1, perKey: 3);
        var ids = App.Services.GetRequiredService<PromotionEngine.Kernel.IdGenerator>();

        await using (var scope = await Fixture.Database.BeginWriteAsync(CancellationToken.None))
        {
            foreach (var e in events) // the previous version's columns only
                await scope.Connection.ExecuteAsync(
                    "INSERT INTO msg_deliveries (id, consumer, partition_key, envelope, attempts, next_attempt_at, last_error) " +
                    "VALUES (@Id, @Consumer, @Key, @Envelope, 0, 0, NULL)",
                    new { Id = ids.Next(), Consumer = EventRecorder.Consumer, Key = e.Envelope.PartitionKey, Envelope = e.Envelope.ToJson() },
                    scope.Transaction);
            await scope.CommitAsync(CancellationToken.None);
        }
        App.Services.GetRequiredService<DeliverySignal>().Notify();
        var effects = await EffectsAsync(events, events.Count);

        AssertOncePerEventInOrderPerKey(events, effects);
    }
}

public sealed class ConsumingInBatchesOnSqlite(SqliteBackbone app) : ConsumingInBatchesInProcess(app), IClassFixture<SqliteBackbone>;

public sealed class ConsumingInBatchesOnMariaDb(MariaDbBackbone app) : ConsumingInBatchesInProcess(app), IClassFixture<MariaDbBackbone>;

/// <summary>On a broker a redelivered message is possible at any time: the consumer's inbox skips what it handled before.</summary>
public sealed class ConsumingInBatchesOnNats(NatsBackbone app) : ConsumingInBatches(app), IClassFixture<NatsBackbone>
{
    protected override int MostTransactions => 2;

    [Fact]
    public async Task An_event_handled_before_is_skipped_in_a_batch_and_the_others_are_handled_once()
    {
        Fixture.Recorder.FailWhen = _ => false;
        var events = Events(keys: 2, perKey: 3);
        var redelivered = events[2].Envelope.EventId;

        await RecordAsync(events, redelivered);
        var effects = await EffectsAsync(events, events.Count - 1);

        var others = events.Where(e => e.Envelope.EventId != redelivered).ToList();
        AssertOncePerEventInOrderPerKey(others, effects);
        Assert.False(Fixture.Recorder.Attempts.ContainsKey(redelivered)); // its handler never ran
        Assert.All(others, e => Assert.Equal(1, Fixture.Recorder.Attempts[e.Envelope.EventId]));
        Assert.InRange(effects.Select(e => e.Transaction).Distinct().Count(), 1, MostTransactions);
    }
}
