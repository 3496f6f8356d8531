using System.Data;
using System.Globalization;
using System.Text;
using Dapper;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Platform.Messaging.Outbox;

/// <summary>
/// The outbox in msg_outbox, written in the caller's transaction. Row ids are time-ordered: within a partition
/// key they are the order of publication. A scheduled event's key is unique while it is pending, so adding it
/// again changes nothing. Many immediate events recorded at once (a claim group commit, a distribution chunk)
/// are packed into few rows of up to <see cref="MaxEventsPerRow"/> events: what a row costs the database is
/// mostly per row (its index entries, its parameters), not per byte.
/// </summary>
internal sealed class SqlOutbox(IDatabase db, IdGenerator ids, TimeProvider clock, OutboxSignal signal) : IOutbox
{
    public const int MaxEventsPerRow = 500;

    // Parameters per row stay far below what MySQL and SQLite take in one statement at this many rows.
    private const int MaxRowsPerStatement = 500;

    // A statement is built whole in memory (and again as the driver's packet): the rows of a large batch go in
    // statements of about this much envelope (characters or packed bytes), so a chunk of thousands of events
    // never needs one buffer of tens of megabytes.
    private const int MaxEnvelopeSizePerStatement = 256 * 1024;

    public async Task AddAsync(IReadOnlyList<OutgoingEvent> events, WriteScope scope, CancellationToken ct)
    {
        if (events.Count == 0) return;
        var now = UtcMillis.From(clock.GetUtcNow());
        List<OutgoingEvent> packable = [], singles = [], scheduled = [];
        foreach (var e in events)
        {
            if (e.ScheduleKey is not null) scheduled.Add(e);
            else if (e is { DueAt: null, Retained: false }) packable.Add(e);
            else singles.Add(e);
        }
        var rows = packable.Count > 1 ? packable.Chunk(MaxEventsPerRow).Select(Packed).ToList() : packable.Select(Single).ToList();
        rows.AddRange(singles.Select(Single));
        foreach (var chunk in Statements(rows)) await InsertAsync(chunk, ignoreScheduled: false, now, scope, ct);
        foreach (var chunk in scheduled.DistinctBy(e => e.ScheduleKey).Select(Single).Chunk(MaxRowsPerStatement))
            await InsertAsync(chunk, ignoreScheduled: true, now, scope, ct);
        signal.Notify();
    }

    public async Task<bool> CancelAsync(string scheduleKey, WriteScope scope, CancellationToken ct) =>
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM msg_outbox WHERE schedule_key = @Key", new { Key = scheduleKey }, scope.Transaction, cancellationToken: ct)) > 0;

    /// <summary>
    /// One outbox row: a single event (its envelope as JSON), or several packed (<see cref="OutboxMessage.Pack"/>;
    /// the envelope column is then empty, the row's subject and key read "*" unless shared, each event keeps its own).
    /// </summary>
    private sealed record Row(
        Guid EventId, string Subject, string PartitionKey, bool Retained, long Due, string? ScheduleKey, string Envelope, byte[]? Packed, int Count)
    {
        public int Size => Envelope.Length + (Packed?.Length ?? 0);
    }

    private static Row Single(OutgoingEvent e) => new(e.Envelope.EventId, e.Envelope.Subject, e.Envelope.PartitionKey, e.Retained,
        Math.Max(UtcMillis.From(e.DueAt ?? e.Envelope.OccurredAt), 0), e.ScheduleKey, e.Envelope.ToJson(), null, 1);

    private static Row Packed(OutgoingEvent[] events)
    {
        var subjects = events.Select(e => e.Envelope.Subject).Distinct().Take(2).ToList();
        return new Row(events[0].Envelope.EventId, subjects.Count == 1 ? subjects[0] : "*", "*", false,
            Math.Max(events.Min(e => UtcMillis.From(e.Envelope.OccurredAt)), 0), null, "",
            OutboxMessage.Pack(events.Select(e => e.Envelope.ToJson())), events.Length);
    }

    private static IEnumerable<List<Row>> Statements(List<Row> rows)
    {
        var statement = new List<Row>();
        var size = 0;
        foreach (var row in rows)
        {
            if (statement.Count > 0 && (statement.Count == MaxRowsPerStatement || size + row.Size > MaxEnvelopeSizePerStatement))
            {
                yield return statement;
                statement = [];
                size = 0;
            }
            statement.Add(row);
            size += row.Size;
        }
        if (statement.Count > 0) yield return statement;
    }

    private Task InsertAsync(IReadOnlyList<Row> rows, bool ignoreScheduled, long now, WriteScope scope, CancellationToken ct)
    {
        var sql = new StringBuilder(
            "INSERT INTO msg_outbox (id, event_id, subject, partition_key, retained, due_at, schedule_key, envelope, packed, event_count, " +
            "attempts, next_attempt_at, last_error, created_at) VALUES ");
        var args = new DynamicParameters();
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var n = i.ToString(CultureInfo.InvariantCulture);
            sql.Append(i == 0 ? "" : ", ").Append($"(@i{n}, @e{n}, @s{n}, @p{n}, @r{n}, @d{n}, @k{n}, @v{n}, @z{n}, @c{n}, 0, @d{n}, NULL, @now)");
            args.Add("i" + n, ids.Next());
            args.Add("e" + n, row.EventId.ToString());
            args.Add("s" + n, row.Subject);
            args.Add("p" + n, row.PartitionKey);
            args.Add("r" + n, row.Retained ? 1 : 0);
            args.Add("d" + n, row.Due);
            args.Add("k" + n, row.ScheduleKey);
            args.Add("v" + n, row.Envelope);
            args.Add("z" + n, row.Packed, DbType.Binary);
            args.Add("c" + n, row.Count);
        }
        args.Add("now", now);
        if (ignoreScheduled)
            sql.Append(
                db.Dialect == SqlDialect.MySql ? " ON DUPLICATE KEY UPDATE schedule_key = schedule_key" : " ON CONFLICT (schedule_key) DO NOTHING");
        return scope.Connection.ExecuteAsync(new CommandDefinition(sql.ToString(), args, scope.Transaction, cancellationToken: ct));
    }
}
