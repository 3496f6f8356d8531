using PromotionEngine.Clearing.Statements;

namespace PromotionEngine.Clearing.Tests.Statements;

/// <summary>
/// What every <see cref="IClearingCalendar"/> does (the clr_days adapters derive from this class): days close in order, a repeat
/// answers the close that froze the day, the first close freezes every earlier day with it.
/// </summary>
public abstract class ClearingCalendarContract
{
    protected static readonly DateOnly Day17 = new(2026, 6, 17);
    protected static readonly DateOnly Day18 = new(2026, 6, 18);
    protected static readonly DateOnly Day19 = new(2026, 6, 19);
    protected static readonly DateOnly Day20 = new(2026, 6, 20);
    private static readonly DateTimeOffset At = new(2026, 6, 21, 0, 10, 0, TimeSpan.Zero);

    private protected abstract IClearingCalendar Calendar { get; }

    private Task<DayClosing> CloseAsync(DateOnly day, int minutesLater = 0) =>
        Calendar.CloseAsync(day, At.AddMinutes(minutesLater), "ops-liwei", CancellationToken.None);

    [Fact]
    public async Task Nothing_is_closed_at_first()
    {
        Assert.Null(await Calendar.LastClosedAsync(CancellationToken.None));
        Assert.Empty(await Calendar.ClosedFromAsync(Day17, 10, CancellationToken.None));
    }

    [Fact]
    public async Task The_first_close_may_be_of_any_day_and_the_next_is_of_the_day_after()
    {
        var first = await CloseAsync(Day18);
        var next = await CloseAsync(Day19, 1);

        Assert.Equal(Day18, Assert.IsType<DayClosing.Closed>(first).Day.Day);
        Assert.Equal(At.AddMinutes(1), Assert.IsType<DayClosing.Closed>(next).Day.ClosedAt);
        Assert.Equal(Day19, (await Calendar.LastClosedAsync(CancellationToken.None))?.Day);
    }

    [Fact]
    public async Task Closing_a_closed_day_again_answers_the_close_that_froze_it()
    {
        await CloseAsync(Day18);

        var again = await CloseAsync(Day18, 5);

        var by = Assert.IsType<DayClosing.AlreadyClosed>(again).By;
        Assert.Equal((Day18, At, "ops-liwei"), (by.Day, by.ClosedAt, by.ClosedBy));
        Assert.Single(await Calendar.ClosedFromAsync(Day17, 10, CancellationToken.None));
    }

    [Fact]
    public async Task A_day_before_the_first_close_is_frozen_by_it()
    {
        await CloseAsync(Day18);

        var earlier = await CloseAsync(Day17, 5);

        Assert.Equal(Day18, Assert.IsType<DayClosing.AlreadyClosed>(earlier).By.Day);
    }

    [Fact]
    public async Task A_day_after_an_open_day_is_refused_naming_the_day_to_close_first()
    {
        await CloseAsync(Day17);

        var skipping = await CloseAsync(Day19);

        Assert.Equal(new DayClosing.EarlierDayOpen(Day18), skipping);
        Assert.Equal(Day17, (await Calendar.LastClosedAsync(CancellationToken.None))?.Day);
    }

    [Fact]
    public async Task The_closed_days_from_a_day_come_oldest_first_up_to_the_limit()
    {
        foreach (var day in (DateOnly[])[Day17, Day18, Day19, Day20]) await CloseAsync(day);

        var closed = await Calendar.ClosedFromAsync(Day18, 2, CancellationToken.None);

        Assert.Equal([Day18, Day19], closed.Select(c => c.Day));
    }

    [Fact]
    public async Task Concurrent_closes_of_one_day_close_it_once()
    {
        var closings = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => CloseAsync(Day18, i)));

        Assert.Single(closings.OfType<DayClosing.Closed>());
        Assert.Equal(7, closings.OfType<DayClosing.AlreadyClosed>().Count());
    }
}

public sealed class InMemoryClearingCalendarContract : ClearingCalendarContract
{
    private protected override IClearingCalendar Calendar { get; } = new InMemoryClearingCalendar();
}
