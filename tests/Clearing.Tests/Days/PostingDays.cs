using PromotionEngine.Clearing.Days;

namespace PromotionEngine.Clearing.Tests.Days;

/// <summary>A fact posts on the day it happened, or on the first open day after a closed one, naming the day it happened.</summary>
public sealed class PostingDays
{
    private static readonly DateOnly June18 = new(2026, 6, 18);

    [Fact]
    public void A_fact_of_an_open_day_posts_on_it()
    {
        var calendar = new PostingCalendar(new HashSet<DateOnly> { June18.AddDays(-1) });
        Assert.Equal((June18, (DateOnly?)null), calendar.PostingDayOf(June18));
    }

    [Fact]
    public void A_late_fact_of_a_closed_day_posts_on_the_first_open_day_after_it_as_an_adjustment()
    {
        var calendar = new PostingCalendar(new HashSet<DateOnly> { June18, June18.AddDays(1) });
        Assert.Equal((June18.AddDays(2), (DateOnly?)June18), calendar.PostingDayOf(June18));
        Assert.Equal((June18.AddDays(2), (DateOnly?)June18.AddDays(1)), calendar.PostingDayOf(June18.AddDays(1)));
    }

    [Fact]
    public void Days_are_stored_as_yyyymmdd_numbers()
    {
        Assert.Equal(20260618, DayNumbers.Of(June18));
        Assert.Equal(June18, DayNumbers.From(20260618));
        Assert.Equal(June18, DayNumbers.UtcDay(new DateTimeOffset(2026, 6, 19, 1, 0, 0, TimeSpan.FromHours(8))));
    }
}
