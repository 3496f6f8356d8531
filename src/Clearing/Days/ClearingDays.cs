using System.Globalization;
using Dapper;
using PromotionEngine.Clearing.Statements;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Clearing.Days;

/// <summary>Days as the clearing tables store them: yyyymmdd numbers (20260618), readable in SQL and ordered like the days.</summary>
internal static class DayNumbers
{
    public static int Of(DateOnly day) => day.Year * 10_000 + day.Month * 100 + day.Day;

    public static DateOnly From(int number) => new(number / 10_000, number / 100 % 100, number % 100);

    public static DateOnly? From(int? number) => number is { } n ? From(n) : null;

    /// <summary>The UTC calendar day of an instant: the clearing day it happened on.</summary>
    public static DateOnly UtcDay(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    public static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>
/// Where a fact of one day is posted: that day while it is open, else the day after the last closed day (an adjustment). Days close
/// in order (<see cref="IClearingCalendar"/>), so every day up to the last closed one is closed, including days before the first
/// close: a fact of any of them would change a closed day's opening balance.
/// </summary>
internal sealed class PostingCalendar(DateOnly? lastClosed)
{
    /// <summary>The calendar of these closed days (the last of them decides).</summary>
    public PostingCalendar(IReadOnlySet<DateOnly> closed) : this(closed.Count == 0 ? null : closed.Max()) { }

    /// <summary>The posting day of a fact that happened on <paramref name="day"/>, and the original day when that day was closed.</summary>
    public (DateOnly Posting, DateOnly? Original) PostingDayOf(DateOnly day) =>
        lastClosed is { } last && day <= last ? (last.AddDays(1), day) : (day, null);
}

/// <summary>
/// The clearing calendar (table clr_days: the closed days). A clearing day is a UTC calendar day. A fact is posted on the day
/// it happened, or, when that day is closed, on the first open day after it, naming the day it happened (an adjustment).
/// Postings and closes serialize on one row (clr_calendar, locked first by both: a row lock in MariaDB, the single writer in
/// SQLite), so no fact lands in a day after it closed and a close sees every fact posted before it (and records the journal's
/// last seq then: the statement of the day is final once the analytic store has ingested up to it).
/// </summary>
internal sealed class ClearingDays(IDatabase db) : IClearingCalendar
{
    private const string Select = "SELECT day AS Day, closed_at AS ClosedAt, closed_by AS ClosedBy, journal_seq AS JournalSeq FROM clr_days";

    /// <summary>
    /// A locking read in MariaDB: it sees the latest committed rows, not the transaction's snapshot (which may predate the lock the
    /// transaction waited for). SQLite's single writer needs none.
    /// </summary>
    public string Latest => db.Dialect == SqlDialect.MySql ? " LOCK IN SHARE MODE" : "";

    /// <summary>
    /// Takes the calendar's lock in <paramref name="scope"/> (held until it commits) and answers the last closed day: what a
    /// posting in this transaction resolves its days with.
    /// </summary>
    public async Task<PostingCalendar> LockForPostingAsync(WriteScope scope, CancellationToken ct)
    {
        await LockAsync(scope, ct);
        var last = await scope.Connection.ExecuteScalarAsync<int?>(new CommandDefinition(
            "SELECT MAX(day) FROM clr_days" + Latest, transaction: scope.Transaction, cancellationToken: ct));
        return new PostingCalendar(DayNumbers.From(last));
    }

    public async Task<DayClose?> LastClosedAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<DayRow>(new CommandDefinition(
            Select + " ORDER BY day DESC LIMIT 1", cancellationToken: ct));
        return row?.ToClose();
    }

    public async Task<IReadOnlyList<DayClose>> ClosedFromAsync(DateOnly from, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<DayRow>(new CommandDefinition(
            Select + " WHERE day >= @From ORDER BY day LIMIT @Limit", new { From = DayNumbers.Of(from), Limit = limit }, cancellationToken: ct));
        return [.. rows.Select(r => r.ToClose())];
    }

    public async Task<DayClosing> CloseAsync(DateOnly day, DateTimeOffset at, string closedBy, CancellationToken ct) =>
        await db.WriteWithRetryAsync(async scope =>
        {
            await LockAsync(scope, ct);
            var last = await scope.Connection.QuerySingleOrDefaultAsync<DayRow>(new CommandDefinition(
                Select + " ORDER BY day DESC LIMIT 1", transaction: scope.Transaction, cancellationToken: ct));
            if (last is not null && DayNumbers.From(last.Day) is var lastDay)
            {
                if (day > lastDay.AddDays(1)) return new DayClosing.EarlierDayOpen(lastDay.AddDays(1));
                if (day <= lastDay)
                {
                    var by = await scope.Connection.QueryFirstAsync<DayRow>(new CommandDefinition(
                        Select + " WHERE day >= @Day ORDER BY day LIMIT 1", new { Day = DayNumbers.Of(day) }, scope.Transaction,
                        cancellationToken: ct));
                    return (DayClosing)new DayClosing.AlreadyClosed(by.ToClose());
                }
            }
            // Under the calendar's lock: every fact posted so far has committed, none can post in the day after this commits.
            var journalSeq = await scope.Connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                "SELECT MAX(seq) FROM clr_journal", transaction: scope.Transaction, cancellationToken: ct)) ?? 0;
            var close = new DayClose(day, UtcMillis.Truncate(at), closedBy, journalSeq);
            await scope.Connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO clr_days (day, closed_at, closed_by, journal_seq) VALUES (@Day, @ClosedAt, @ClosedBy, @JournalSeq)",
                new { Day = DayNumbers.Of(day), ClosedAt = UtcMillis.From(at), ClosedBy = closedBy, JournalSeq = journalSeq }, scope.Transaction,
                cancellationToken: ct));
            await scope.CommitAsync(ct);
            return new DayClosing.Closed(close);
        }, ct);

    private sealed class DayRow
    {
        public int Day { get; init; }
        public long ClosedAt { get; init; }
        public string ClosedBy { get; init; } = "";
        public long JournalSeq { get; init; }

        public DayClose ToClose() => new(DayNumbers.From(Day), UtcMillis.ToTime(ClosedAt), ClosedBy, JournalSeq);
    }

    /// <summary>Takes the calendar's lock in <paramref name="scope"/> until it commits: postings, closes and parking serialize on it.</summary>
    public static Task LockAsync(WriteScope scope, CancellationToken ct) =>
        scope.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE clr_calendar SET postings = postings + 1 WHERE id = 1", transaction: scope.Transaction, cancellationToken: ct));
}
