using PromotionEngine.MerchantAdmin.Templates;

namespace PromotionEngine.MerchantAdmin.Tests.Templates;

public class WritingIsoDurations
{
    [Theory]
    [InlineData("PT1S", 0, 0, 0, 1)]
    [InlineData("PT90M", 0, 1, 30, 0)]
    [InlineData("PT36H", 1, 12, 0, 0)]
    [InlineData("P1W", 7, 0, 0, 0)]
    [InlineData("P1W2D", 9, 0, 0, 0)]
    [InlineData("P1DT2H3M4S", 1, 2, 3, 4)]
    [InlineData("PT0S", 0, 0, 0, 0)]
    public void Reads_weeks_days_hours_minutes_and_seconds(string text, int days, int hours, int minutes, int seconds)
    {
        Assert.True(Iso8601Duration.TryParse(text, out var duration));

        Assert.Equal(new TimeSpan(days, hours, minutes, seconds), duration);
    }

    [Theory]
    [InlineData("P1M")]
    [InlineData("P1Y")]
    [InlineData("PT1.5S")]
    [InlineData("P1D2W")] // out of order
    [InlineData("PT1S1M")]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("P1DT")]
    [InlineData("")]
    [InlineData("P7D ")]
    [InlineData("P７D")]  // full-width 7: refused, not a crash
    [InlineData("P٧D")]  // Arabic-Indic 7
    [InlineData("PT１H")]
    public void Refuses_what_is_not_a_fixed_length(string text) => Assert.False(Iso8601Duration.TryParse(text, out _));

    [Theory]
    [InlineData("P7D")]
    [InlineData("PT12H")]
    [InlineData("PT1M")]
    [InlineData("PT1S")]
    [InlineData("P1DT12H")]
    [InlineData("P3660D")]
    [InlineData("P1DT2H3M4S")]
    [InlineData("PT0S")]
    public void Writes_what_it_reads(string text)
    {
        Assert.True(Iso8601Duration.TryParse(text, out var duration));

        Assert.Equal(text, Iso8601Duration.Format(duration));
    }

    [Theory]
    [InlineData("P2W", "P14D")]
    [InlineData("PT90M", "PT1H30M")]
    [InlineData("PT36H", "P1DT12H")]
    [InlineData("PT86400S", "P1D")]
    public void Writes_the_shortest_equal_form(string text, string written)
    {
        Assert.True(Iso8601Duration.TryParse(text, out var duration));

        Assert.Equal(written, Iso8601Duration.Format(duration));
    }

    public static TheoryData<TimeSpan> Durations() =>
    [
        TimeSpan.FromMinutes(1),
        TimeSpan.FromSeconds(59),
        new TimeSpan(3, 4, 5, 6),
        TimeSpan.FromDays(3660),
        TimeSpan.FromHours(23) + TimeSpan.FromSeconds(59),
    ];

    [Theory]
    [MemberData(nameof(Durations))]
    public void Reads_what_it_writes(TimeSpan duration)
    {
        Assert.True(Iso8601Duration.TryParse(Iso8601Duration.Format(duration), out var read));

        Assert.Equal(duration, read);
    }
}
