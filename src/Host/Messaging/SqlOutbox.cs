using System.Globalization;
using System.Text;
using Dapper;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Host.Messaging;

/// <summary>
/// The outbox in msg_outbox: rows written in the caller's transaction, many to one statement (the claim group
/// commit records hundreds at once). Row ids are time-ordered: within a partition key they are the order of
/// publication. A scheduled event's key is unique while it is pending, so adding it again changes nothing.
/// </summary>
internal sealed class SqlOutbox(IDatabase db, IdGenerator ids, TimeProvider clock, OutboxSignal signal) : IOutbox
{
    // Parameters per row; MySQL and SQLite both take far more than MaxRowsPerStatement * this in one statement.
    private const int MaxRowsPerStatement = 500;

    public async Task AddAsync(IReadOnlyList<OutgoingEvent> events, WriteScope scope, CancellationToken ct)
    {
        if (events.Count == 0) return;
        var now = UtcMillis.From(clock.GetUtcNow());
        var plain = events.Where(e => e.ScheduleKey is null).ToList();
        var scheduled = events.Where(e => e.ScheduleKey is not null).ToList();
        foreach (var chunk in plain.Chunk(MaxRowsPerStatement)) await InsertAsync(chunk, ignoreScheduled: false, now, scope, ct);
        foreach (var chunk in scheduled.DistinctBy(e => e.ScheduleKey).Chunk(MaxRowsPerStatement)) await InsertAsync(chunk, ignoreScheduled: true, now, scope, ct);
        signal.Notify();
    }

    public async Task<bool> CancelAsync(string scheduleKey, WriteScope scope, CancellationToken ct) =>
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM msg_outbox WHERE schedule_key = @Key", new { Key = scheduleKey }, scope.Transaction, cancellationToken: ct)) > 0;

    private Task InsertAsync(IReadOnlyList<OutgoingEvent> rows, bool ignoreScheduled, long now, WriteScope scope, CancellationToken ct)
    {
        var sql = new StringBuilder(
            "INSERT INTO msg_outbox (id, event_id, subject, partition_key, retained, due_at, schedule_key, envelope, attempts, next_attempt_at, last_error, created_at) VALUES ");
        var args = new DynamicParameters();
        for (var i = 0; i < rows.Count; i++)
        {
            var e = rows[i];
            var n = i.ToString(CultureInfo.InvariantCulture);
            var due = Math.Max(UtcMillis.From(e.DueAt ?? e.Envelope.OccurredAt), 0);
            sql.Append(i == 0 ? "" : ", ").Append($"(@i{n}, @e{n}, @s{n}, @p{n}, @r{n}, @d{n}, @k{n}, @v{n}, 0, @d{n}, NULL, @now)");
            args.Add("i" + n, ids.Next());
            args.Add("e" + n, e.Envelope.EventId.ToString());
            args.Add("s" + n, e.Envelope.Subject);
            args.Add("p" + n, e.Envelope.PartitionKey);
            args.Add("r" + n, e.Retained ? 1 : 0);
            args.Add("d" + n, due);
            args.Add("k" + n, e.ScheduleKey);
            args.Add("v" + n, e.Envelope.ToJson());
        }
        args.Add("now", now);
        if (ignoreScheduled)
            sql.Append(db.Dialect == SqlDialect.MySql ? " ON DUPLICATE KEY UPDATE schedule_key = schedule_key" : " ON CONFLICT (schedule_key) DO NOTHING");
        return scope.Connection.ExecuteAsync(new CommandDefinition(sql.ToString(), args, scope.Transaction, cancellationToken: ct));
    }
}

/// <summary>Wakes a loop that polls for work when work arrived, so it does not wait for its next poll.</summary>
internal class WakeSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        if (_signal.CurrentCount == 0)
        {
            try { _signal.Release(); } catch (SemaphoreFullException) { } // already signalled
        }
    }

    /// <summary>Waits for a signal or the timeout, whichever comes first.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}

/// <summary>Wakes the relay when events were recorded.</summary>
internal sealed class OutboxSignal : WakeSignal;
