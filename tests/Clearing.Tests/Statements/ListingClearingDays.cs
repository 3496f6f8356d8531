using PromotionEngine.Clearing.Statements;

namespace PromotionEngine.Clearing.Tests.Statements;

public sealed class ListingClearingDays
{
    private static readonly DateOnly Day = new(2026, 6, 18);
    private static readonly DateTimeOffset At = new(2026, 6, 21, 0, 10, 0, TimeSpan.Zero);
    private readonly InMemoryClearingCalendar _calendar = new();

    private Task<(DayClose? LastClosed, IReadOnlyList<ClearingDay> Days)> ListAsync(DateOnly from, DateOnly to) =>
        new ListClearingDays(_calendar).HandleAsync(from, to, CancellationToken.None);

    [Fact]
    public async Task Every_day_up_to_the_last_closed_one_is_closed_by_the_close_that_froze_it()
    {
        var first = new DayClose(Day, At, "ops", 0);
        var second = new DayClose(Day.AddDays(1), At.AddHours(1), "ops", 0);
        await _calendar.CloseAsync(first.Day, first.ClosedAt, first.ClosedBy, CancellationToken.None);
        await _calendar.CloseAsync(second.Day, second.ClosedAt, second.ClosedBy, CancellationToken.None);

        var (last, days) = await ListAsync(Day.AddDays(-2), Day.AddDays(2));

        Assert.Equal(Day.AddDays(1), last?.Day);
        Assert.Equal(
            [
                new ClearingDay(Day.AddDays(-2), DayState.Closed, first),
                new ClearingDay(Day.AddDays(-1), DayState.Closed, first),
                new ClearingDay(Day, DayState.Closed, first),
                new ClearingDay(Day.AddDays(1), DayState.Closed, second),
                new ClearingDay(Day.AddDays(2), DayState.Open, null),
            ],
            days);
    }

    [Fact]
    public async Task A_range_wholly_before_the_first_close_is_closed()
    {
        await _calendar.CloseAsync(Day, At, "ops", CancellationToken.None);

        var (_, days) = await ListAsync(Day.AddDays(-40), Day.AddDays(-30));

        Assert.All(days, d => Assert.Equal((DayState.Closed, (DateTimeOffset?)At), (d.State, d.FrozenBy?.ClosedAt)));
        Assert.Equal(11, days.Count);
    }

    [Fact]
    public async Task Without_a_close_every_day_is_open()
    {
        var (last, days) = await ListAsync(Day, Day.AddDays(1));

        Assert.Null(last);
        Assert.All(days, d => Assert.Equal(DayState.Open, d.State));
    }
}
