using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Clearing.Statements;

namespace PromotionEngine.Clearing.Tests.Statements;

public sealed class ClosingAClearingDay
{
    private static readonly DateOnly Day18 = new(2026, 6, 18);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 6, 18, 23, 59, 59, TimeSpan.Zero));
    private readonly InMemoryClearingCalendar _calendar = new();

    private Task<CloseDayOutcome> CloseAsync(DateOnly day) =>
        new CloseClearingDay(_calendar, _clock).HandleAsync(day, "ops-liwei", CancellationToken.None);

    [Fact]
    public async Task A_day_is_refused_until_it_is_over_in_utc()
    {
        var lastSecond = await CloseAsync(Day18);
        var tomorrow = await CloseAsync(Day18.AddDays(1));
        _clock.Advance(TimeSpan.FromSeconds(1));
        var atMidnight = await CloseAsync(Day18);

        Assert.Equal(new CloseDayOutcome.NotOver(Day18), lastSecond);
        Assert.Equal(new CloseDayOutcome.NotOver(Day18.AddDays(1)), tomorrow);
        Assert.Equal(new DateTimeOffset(2026, 6, 19, 0, 0, 0, TimeSpan.Zero), Assert.IsType<CloseDayOutcome.Closed>(atMidnight).Day.ClosedAt);
    }

    [Fact]
    public async Task A_close_records_the_journal_seq_the_statement_waits_for()
    {
        _clock.Advance(TimeSpan.FromDays(1));
        _calendar.JournalSeq = 4_812;

        var closed = await CloseAsync(Day18);

        Assert.Equal(4_812, Assert.IsType<CloseDayOutcome.Closed>(closed).Day.JournalSeq);
    }

    [Fact]
    public async Task A_repeat_answers_the_first_close()
    {
        _clock.Advance(TimeSpan.FromMinutes(10));
        var first = Assert.IsType<CloseDayOutcome.Closed>(await CloseAsync(Day18));
        _clock.Advance(TimeSpan.FromHours(3));

        var again = await CloseAsync(Day18);

        Assert.Equal(new CloseDayOutcome.AlreadyClosed(Day18, first.Day), again);
    }

    [Fact]
    public async Task Days_close_in_order()
    {
        _clock.Advance(TimeSpan.FromDays(3));
        await CloseAsync(Day18);

        var skipping = await CloseAsync(Day18.AddDays(2));

        Assert.Equal(new CloseDayOutcome.EarlierDayOpen(Day18.AddDays(2), Day18.AddDays(1)), skipping);
    }
}
