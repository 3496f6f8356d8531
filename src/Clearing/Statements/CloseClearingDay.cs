namespace PromotionEngine.Clearing.Statements;

internal abstract record CloseOutcome
{
    private CloseOutcome() { }

    public sealed record Closed(ClosedDay Day) : CloseOutcome;

    public sealed record AlreadyClosed(DateOnly Day, ClosedDay By) : CloseOutcome;

    /// <summary>The day is today or later (UTC): events may still happen in it.</summary>
    public sealed record NotOver(DateOnly Day) : CloseOutcome;

    public sealed record EarlierDayOpen(DateOnly Day, DateOnly NextToClose) : CloseOutcome;
}

/// <summary>The operator closes a clearing day: only a day that is over, one day at a time, a repeat changing nothing.</summary>
internal sealed class CloseClearingDay(IClearingCalendar calendar, TimeProvider clock)
{
    public async Task<CloseOutcome> HandleAsync(DateOnly day, CancellationToken ct)
    {
        if (!ClearingDayRules.IsOver(day, clock)) return new CloseOutcome.NotOver(day);
        return await calendar.CloseAsync(day, clock.GetUtcNow(), ct) switch
        {
            DayClosing.Closed c => new CloseOutcome.Closed(c.Day),
            DayClosing.AlreadyClosed a => new CloseOutcome.AlreadyClosed(day, a.By),
            DayClosing.EarlierDayOpen e => new CloseOutcome.EarlierDayOpen(day, e.NextToClose),
            _ => throw new System.Diagnostics.UnreachableException(),
        };
    }
}
