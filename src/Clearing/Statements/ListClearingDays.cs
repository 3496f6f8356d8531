namespace PromotionEngine.Clearing.Statements;

/// <summary>A day of the calendar with its state; FrozenBy is the close that froze it (itself, or a later day's first close).</summary>
internal sealed record ClearingDay(DateOnly Day, DayState State, DayClose? FrozenBy);

/// <summary>The clearing days of a range with their state, and the last closed day.</summary>
internal sealed class ListClearingDays(IClearingCalendar calendar)
{
    public const int MaxDays = 366;

    public async Task<(DayClose? LastClosed, IReadOnlyList<ClearingDay> Days)> HandleAsync(DateOnly from, DateOnly to, CancellationToken ct)
    {
        var count = to.DayNumber - from.DayNumber + 1;
        // One more than the range holds: a day before the first explicit close is frozen by that close, which may lie after `to`.
        var closes = await calendar.ClosedFromAsync(from, count + 1, ct);
        var days = new List<ClearingDay>(count);
        var next = 0;
        for (var d = from; d <= to; d = d.AddDays(1))
        {
            while (next < closes.Count && closes[next].Day < d) next++;
            days.Add(next < closes.Count ? new ClearingDay(d, DayState.Closed, closes[next]) : new ClearingDay(d, DayState.Open, null));
        }
        return (await calendar.LastClosedAsync(ct), days);
    }
}
