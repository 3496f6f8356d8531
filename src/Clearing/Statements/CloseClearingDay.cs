namespace PromotionEngine.Clearing.Statements;

internal abstract record CloseDayOutcome
{
    private CloseDayOutcome() { }

    public sealed record Closed(DayClose Day) : CloseDayOutcome;

    public sealed record AlreadyClosed(DateOnly Day, DayClose By) : CloseDayOutcome;

    /// <summary>The day is today or later (UTC): events may still happen in it.</summary>
    public sealed record NotOver(DateOnly Day) : CloseDayOutcome;

    public sealed record EarlierDayOpen(DateOnly Day, DateOnly NextToClose) : CloseDayOutcome;
}

/// <summary>The operator closes a clearing day: only a day that is over, one day at a time, a repeat changing nothing.</summary>
internal sealed class CloseClearingDay(IClearingCalendar calendar, TimeProvider clock)
{
    /// <param name="closedBy">Who closes it: the operator's token subject, kept with the close.</param>
    public async Task<CloseDayOutcome> HandleAsync(DateOnly day, string closedBy, CancellationToken ct)
    {
        if (!ClearingDayRules.IsOver(day, clock)) return new CloseDayOutcome.NotOver(day);
        return await calendar.CloseAsync(day, clock.GetUtcNow(), closedBy, ct) switch
        {
            DayClosing.Closed c => new CloseDayOutcome.Closed(c.Day),
            DayClosing.AlreadyClosed a => new CloseDayOutcome.AlreadyClosed(day, a.By),
            DayClosing.EarlierDayOpen e => new CloseDayOutcome.EarlierDayOpen(day, e.NextToClose),
            _ => throw new System.Diagnostics.UnreachableException(),
        };
    }
}
