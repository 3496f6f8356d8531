using System.Globalization;
using Dapper;
using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Platform.Messaging.Outbox;
using PromotionEngine.Platform.Tests.Infrastructure;

namespace PromotionEngine.Platform.Tests.Messaging;

/// <summary>
/// How events recorded together become outbox rows: immediate events packed, at most 500 to a row; a retained, a delayed or a
/// scheduled event a row of its own; a scheduled event once per key.
/// </summary>
public sealed class PackingTheOutbox : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(At);
    private ScratchDatabase _store = null!;
    private SqlOutbox _outbox = null!;

    public async Task InitializeAsync()
    {
        _store = await ScratchDatabase.MigratedAsync();
        _outbox = new SqlOutbox(_store.Database, new IdGenerator(_clock, 1), _clock, new OutboxSignal());
    }

    public Task DisposeAsync()
    {
        _store.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task One_event_is_one_row_that_holds_its_envelope_as_json()
    {
        var released = Released(1);

        await AddAsync([OutgoingEvent.Now(released, At, "1")]);

        var row = Assert.Single(await RowsAsync());
        Assert.Equal(1, row.EventCount);
        Assert.Null(row.Packed);
        Assert.Equal(EventSubjects.Of<CouponReleased>(), row.Subject);
        Assert.Equal("1", row.PartitionKey);
        Assert.Equal(released, EventEnvelope.FromJson(row.Envelope).PayloadAs<CouponReleased>());
    }

    [Fact]
    public async Task Events_recorded_together_are_packed_at_most_500_to_a_row_and_unpack_in_their_order()
    {
        var events = Enumerable.Range(1, 1201).Select(i => OutgoingEvent.Now(Released(i), At, Key(i))).ToList();

        await AddAsync(events);

        var rows = await RowsAsync();
        Assert.Equal([500, 500, 201], rows.Select(r => r.EventCount));
        Assert.All(rows, r => Assert.Equal("", r.Envelope));
        Assert.All(rows, r => Assert.Equal("*", r.PartitionKey)); // each event keeps its own key inside the row
        Assert.Equal(events.Select(e => e.Envelope.EventId), rows.SelectMany(r => OutboxMessage.Unpack(r.Packed!)).Select(m => m.EventId));
        Assert.Equal(SqlOutbox.MaxEventsPerRow, rows.Max(r => r.EventCount));
    }

    [Fact]
    public async Task A_packed_row_names_its_subject_only_when_its_events_share_one()
    {
        await AddAsync([OutgoingEvent.Now(Released(1), At, "1"), OutgoingEvent.Now(Released(2), At, "2")]);
        await AddAsync([OutgoingEvent.Now(Released(3), At, "3"), OutgoingEvent.Now(Expired(4), At, "4")]);

        var rows = await RowsAsync();
        Assert.Equal([EventSubjects.Of<CouponReleased>(), "*"], rows.Select(r => r.Subject));
        Assert.Equal([EventSubjects.Of<CouponReleased>(), EventSubjects.Of<CouponExpired>()],
            OutboxMessage.Unpack(rows[1].Packed!).Select(m => m.Subject));
    }

    [Fact]
    public async Task Retained_and_delayed_events_are_rows_of_their_own_beside_the_packed_ones()
    {
        var retained = OutgoingEvent.Now(Released(1), At, "1") with { Retained = true };
        var delayed = OutgoingEvent.Now(Released(2), At, "2") with { DueAt = At.AddHours(1) };

        await AddAsync([retained, OutgoingEvent.Now(Released(3), At, "3"), delayed, OutgoingEvent.Now(Released(4), At, "4")]);

        var rows = await RowsAsync();
        Assert.Equal(3, rows.Count);
        var packed = Assert.Single(rows, r => r.Packed is not null);
        Assert.Equal(2, packed.EventCount);
        var single = rows.Where(r => r.Packed is null).ToList();
        Assert.Equal([retained.Envelope.EventId, delayed.Envelope.EventId], single.Select(r => EventEnvelope.FromJson(r.Envelope).EventId));
        Assert.Equal([1L, 0L], single.Select(r => r.Retained));
        Assert.Equal(UtcMillis.From(At.AddHours(1)), single[1].DueAt);
    }

    [Fact]
    public async Task A_scheduled_event_is_one_row_per_key_until_it_is_cancelled()
    {
        var first = OutgoingEvent.At(Reminder(1), At, At.AddHours(1), "reminder-1", "1");
        var again = OutgoingEvent.At(Reminder(1), At, At.AddHours(2), "reminder-1", "1");

        await AddAsync([first, again]);
        await AddAsync([again]);

        var row = Assert.Single(await RowsAsync());
        Assert.Equal("reminder-1", row.ScheduleKey);
        Assert.Equal(first.Envelope.EventId, EventEnvelope.FromJson(row.Envelope).EventId);
        Assert.True(await CancelAsync("reminder-1"));
        Assert.False(await CancelAsync("reminder-1"));
        Assert.Empty(await RowsAsync());
    }

    private static string Key(int i) => i.ToString(CultureInfo.InvariantCulture);

    private static CouponReleased Released(long coupon) => new(coupon, 2, 3, 4, "order-" + coupon, "RELEASED", "AVAILABLE", At);

    private static CouponExpired Expired(long coupon) => new(coupon, 2, 3, 4, At, At);

    private static CouponReminderDue Reminder(long reminder) => new(reminder, 3, 2, 4, At.AddHours(1), 10);

    private async Task AddAsync(IReadOnlyList<OutgoingEvent> events)
    {
        await using var scope = await _store.Database.BeginWriteAsync(CancellationToken.None);
        await _outbox.AddAsync(events, scope, CancellationToken.None);
        await scope.CommitAsync(CancellationToken.None);
    }

    private async Task<bool> CancelAsync(string scheduleKey)
    {
        await using var scope = await _store.Database.BeginWriteAsync(CancellationToken.None);
        var cancelled = await _outbox.CancelAsync(scheduleKey, scope, CancellationToken.None);
        await scope.CommitAsync(CancellationToken.None);
        return cancelled;
    }

    private async Task<List<StoredRow>> RowsAsync()
    {
        await using var connection = await _store.Database.OpenAsync(CancellationToken.None);
        return (await connection.QueryAsync<StoredRow>(
            "SELECT subject, partition_key, envelope, packed, event_count, retained, due_at, schedule_key FROM msg_outbox ORDER BY id")).ToList();
    }

    private sealed class StoredRow
    {
        public string Subject { get; init; } = "";
        public string PartitionKey { get; init; } = "";
        public string Envelope { get; init; } = "";
        public byte[]? Packed { get; init; }
        public long EventCount { get; init; }
        public long Retained { get; init; }
        public long DueAt { get; init; }
        public string? ScheduleKey { get; init; }
    }
}
