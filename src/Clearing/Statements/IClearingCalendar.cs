namespace PromotionEngine.Clearing.Statements;

/// <summary>
/// The clearing calendar's closed days (clr_days; <see cref="Days.ClearingDays"/>). Days close in order: a close is of the day after
/// the last closed day (or of any day while none is closed, and every earlier day counts as closed with it), so the closed days are
/// everything up to the last one and a fact of a day at or before it posts on the day after it, as an adjustment. That keeps a
/// closed day's statement frozen: not even its opening balance (everything posted before it) can change.
/// </summary>
internal interface IClearingCalendar
{
    /// <summary>The latest closed day, null while none is.</summary>
    Task<DayClose?> LastClosedAsync(CancellationToken ct);

    /// <summary>The closed days from <paramref name="from"/> on (inclusive), oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<DayClose>> ClosedFromAsync(DateOnly from, int limit, CancellationToken ct);

    /// <summary>
    /// Closes <paramref name="day"/> at <paramref name="at"/>, serialized with the posting of facts (nothing posts in the day once
    /// this returns): Closed when it was the next day to close (or none was closed), AlreadyClosed (the close that froze it) when it
    /// is at or before the last closed day, EarlierDayOpen (the next day to close) when a day between is still open.
    /// </summary>
    Task<DayClosing> CloseAsync(DateOnly day, DateTimeOffset at, string closedBy, CancellationToken ct);
}

/// <summary>
/// The close of a day: when, by whom (the operator's token subject), and the last clearing-journal seq then. Every fact posted in
/// this day or before has a seq at or below JournalSeq, so the day's statement is complete once the analytic store's watermark
/// reaches it.
/// </summary>
internal sealed record DayClose(DateOnly Day, DateTimeOffset ClosedAt, string ClosedBy, long JournalSeq);

internal abstract record DayClosing
{
    private DayClosing() { }

    public sealed record Closed(DayClose Day) : DayClosing;

    /// <summary>The day was frozen already, by <paramref name="By"/> (itself, or the first close when the day came before it).</summary>
    public sealed record AlreadyClosed(DayClose By) : DayClosing;

    /// <summary>A day before the one asked for is still open; <paramref name="NextToClose"/> is the one to close first.</summary>
    public sealed record EarlierDayOpen(DateOnly NextToClose) : DayClosing;
}
