using System.Globalization;
using Dapper;
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

/// <summary>Where a fact of one day is posted: that day while it is open, else the first open day after it (an adjustment).</summary>
internal sealed class PostingCalendar(IReadOnlySet<DateOnly> closed)
{
    /// <summary>The posting day of a fact that happened on <paramref name="day"/>, and the original day when that day was closed.</summary>
    public (DateOnly Posting, DateOnly? Original) PostingDayOf(DateOnly day)
    {
        if (!closed.Contains(day)) return (day, null);
        var posting = day.AddDays(1);
        while (closed.Contains(posting)) posting = posting.AddDays(1);
        return (posting, day);
    }
}

/// <summary>What closing a day came to.</summary>
internal abstract record CloseOutcome
{
    private CloseOutcome() { }

    /// <summary>The day is closed now (or was already: <see cref="AlreadyClosed"/> is true); its entries are final.</summary>
    public sealed record Closed(DateOnly Day, DateTimeOffset ClosedAt, string ClosedBy, bool AlreadyClosed) : CloseOutcome;

    /// <summary>The day has not ended yet (UTC): facts of it may still come, so it cannot be closed.</summary>
    public sealed record NotOver(DateOnly Day, DateTimeOffset Now) : CloseOutcome;
}

internal sealed record ClosedDay(DateOnly Day, DateTimeOffset ClosedAt, string ClosedBy);

/// <summary>
/// The clearing calendar (table clr_days: the closed days). A clearing day is a UTC calendar day. A fact is posted on the day
/// it happened, or, when that day is closed, on the first open day after it, naming the day it happened (an adjustment).
/// Postings and closes serialize on one row (clr_calendar, locked first by both: a row lock in MariaDB, the single writer in
/// SQLite), so no fact lands in a day after it closed and a close sees every fact posted before it.
/// </summary>
internal sealed class ClearingDays(IDatabase db, TimeProvider clock)
{
    private string ForUpdate => db.Dialect == SqlDialect.MySql ? " FOR UPDATE" : "";

    /// <summary>
    /// Takes the calendar's lock in <paramref name="scope"/> (held until it commits) and answers the closed days from
    /// <paramref name="from"/> on: what a posting in this transaction resolves its days with.
    /// </summary>
    public static async Task<PostingCalendar> LockForPostingAsync(DateOnly from, WriteScope scope, CancellationToken ct)
    {
        await LockAsync(scope, ct);
        var closed = await scope.Connection.QueryAsync<int>(new CommandDefinition(
            "SELECT day FROM clr_days WHERE day >= @From", new { From = DayNumbers.Of(from) }, scope.Transaction, cancellationToken: ct));
        return new PostingCalendar(closed.Select(DayNumbers.From).ToHashSet());
    }

    /// <summary>
    /// Closes <paramref name="day"/> for good: later facts of it post on the next open day as adjustments. Refused while the
    /// day has not ended (UTC); closing a closed day answers how it was closed.
    /// </summary>
    public async Task<CloseOutcome> CloseAsync(DateOnly day, string closedBy, CancellationToken ct)
    {
        var now = UtcMillis.Now(clock);
        if (day.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) > now.UtcDateTime) return new CloseOutcome.NotOver(day, now);
        return await db.WriteWithRetryAsync(async scope =>
        {
            await LockAsync(scope, ct);
            var args = new { Day = DayNumbers.Of(day), ClosedAt = UtcMillis.From(now), ClosedBy = closedBy };
            var existing = await scope.Connection.QuerySingleOrDefaultAsync<DayRow>(new CommandDefinition(
                "SELECT day AS Day, closed_at AS ClosedAt, closed_by AS ClosedBy FROM clr_days WHERE day = @Day" + ForUpdate, args,
                scope.Transaction, cancellationToken: ct));
            if (existing is { } e) return new CloseOutcome.Closed(day, UtcMillis.ToTime(e.ClosedAt), e.ClosedBy, AlreadyClosed: true);
            await scope.Connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO clr_days (day, closed_at, closed_by) VALUES (@Day, @ClosedAt, @ClosedBy)", args, scope.Transaction,
                cancellationToken: ct));
            await scope.CommitAsync(ct);
            return (CloseOutcome)new CloseOutcome.Closed(day, now, closedBy, AlreadyClosed: false);
        }, ct);
    }

    /// <summary>The closed days in [<paramref name="from"/>, <paramref name="to"/>], oldest first.</summary>
    public async Task<IReadOnlyList<ClosedDay>> ClosedAsync(DateOnly from, DateOnly to, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<DayRow>(new CommandDefinition(
            "SELECT day AS Day, closed_at AS ClosedAt, closed_by AS ClosedBy FROM clr_days WHERE day BETWEEN @From AND @To ORDER BY day",
            new { From = DayNumbers.Of(from), To = DayNumbers.Of(to) }, cancellationToken: ct));
        return [.. rows.Select(r => new ClosedDay(DayNumbers.From(r.Day), UtcMillis.ToTime(r.ClosedAt), r.ClosedBy))];
    }

    /// <summary>Whether <paramref name="day"/> is closed.</summary>
    public async Task<bool> IsClosedAsync(DateOnly day, CancellationToken ct) => (await ClosedAsync(day, day, ct)).Count > 0;

    private sealed class DayRow
    {
        public int Day { get; init; }
        public long ClosedAt { get; init; }
        public string ClosedBy { get; init; } = "";
    }

    private static Task LockAsync(WriteScope scope, CancellationToken ct) =>
        scope.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE clr_calendar SET postings = postings + 1 WHERE id = 1", transaction: scope.Transaction, cancellationToken: ct));
}
