using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Engine.Claims;
using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Tests.Claims;

/// <summary>The day, ISO week and month a claim falls in, in the template's time zone, as UTC instants.</summary>
public class DrawingClaimPeriods
{
    private static CouponTemplateSnapshot ATemplate(string zone, int? daily = null, int? weekly = null, int? monthly = null) =>
        new(new TemplateId(7), new MerchantId(3), "CNY", Terminated: false, ValidFrom: At("2026-01-01T00:00:00Z"),
            ValidUntil: At("2028-01-01T00:00:00Z"), ValidityAfterClaim: null, Stock: 1_000, PerUserLimit: 10, Version: 0, zone, daily, weekly,
            monthly);

    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    private static ClaimPeriod Only(CouponTemplateSnapshot template, string now) => Assert.Single(ClaimPeriod.Of(template, At(now)));

    [Fact]
    public void A_template_without_period_limits_has_no_periods() =>
        Assert.Empty(ClaimPeriod.Of(ATemplate("Asia/Shanghai"), At("2026-06-18T10:00:00Z")));

    [Theory]
    [InlineData("2026-06-17T16:00:00Z")] // 00:00 in Shanghai: the first instant of the 18th
    [InlineData("2026-06-18T15:59:59.999Z")] // 23:59:59.999 in Shanghai: still the 18th
    public void A_day_runs_from_midnight_to_midnight_in_the_templates_zone(string now)
    {
        var day = Only(ATemplate("Asia/Shanghai", daily: 1), now);

        Assert.Equal((PeriodKind.Day, 1), (day.Kind, day.Limit));
        Assert.Equal((At("2026-06-17T16:00:00Z"), At("2026-06-18T16:00:00Z")), (day.Start, day.End));
    }

    [Fact]
    public void The_same_instant_is_another_day_in_another_zone()
    {
        var now = "2026-06-18T20:00:00Z"; // the 19th in Shanghai, still the 18th in UTC

        Assert.Equal(At("2026-06-18T16:00:00Z"), Only(ATemplate("Asia/Shanghai", daily: 1), now).Start);
        Assert.Equal(At("2026-06-18T00:00:00Z"), Only(ATemplate("UTC", daily: 1), now).Start);
    }

    [Theory]
    [InlineData("2026-06-14T16:00:00Z")] // Monday the 15th, 00:00 in Shanghai
    [InlineData("2026-06-18T10:00:00Z")] // Thursday
    [InlineData("2026-06-21T15:59:59Z")] // Sunday the 21st, 23:59:59 in Shanghai
    public void A_week_is_the_iso_week_from_monday(string now)
    {
        var week = Only(ATemplate("Asia/Shanghai", weekly: 2), now);

        Assert.Equal((At("2026-06-14T16:00:00Z"), At("2026-06-21T16:00:00Z")), (week.Start, week.End));
    }

    [Fact]
    public void A_week_may_span_two_years()
    {
        var week = Only(ATemplate("UTC", weekly: 2), "2027-01-01T12:00:00Z"); // a Friday

        Assert.Equal((At("2026-12-28T00:00:00Z"), At("2027-01-04T00:00:00Z")), (week.Start, week.End));
    }

    [Theory]
    [InlineData("2026-01-31T16:00:00Z", "2026-01-31T16:00:00Z", "2026-02-28T16:00:00Z")] // February has 28 days in 2026
    [InlineData("2026-12-31T15:59:59Z", "2026-11-30T16:00:00Z", "2026-12-31T16:00:00Z")]
    [InlineData("2026-12-31T16:00:00Z", "2026-12-31T16:00:00Z", "2027-01-31T16:00:00Z")] // New Year in Shanghai
    public void A_month_is_the_calendar_month(string now, string start, string end)
    {
        var month = Only(ATemplate("Asia/Shanghai", monthly: 5), now);

        Assert.Equal((At(start), At(end)), (month.Start, month.End));
    }

    [Fact]
    public void A_day_with_a_daylight_saving_change_is_as_long_as_the_zone_says()
    {
        var day = Only(ATemplate("Europe/Berlin", daily: 1), "2026-03-29T12:00:00Z"); // clocks go forward at 02:00

        Assert.Equal((At("2026-03-28T23:00:00Z"), At("2026-03-29T22:00:00Z")), (day.Start, day.End));
        Assert.Equal(TimeSpan.FromHours(23), day.End - day.Start);
    }

    [Fact]
    public void A_day_whose_midnight_is_skipped_starts_at_its_first_instant()
    {
        // Chile moves its clocks from 24:00 to 01:00 on the first Sunday of September: the 6th has no 00:00.
        var day = Only(ATemplate("America/Santiago", daily: 1), "2026-09-06T12:00:00Z");

        Assert.Equal(At("2026-09-06T04:00:00Z"), day.Start); // 01:00 -03:00
    }

    [Fact]
    public void Every_limited_period_is_drawn_day_week_month()
    {
        var periods = ClaimPeriod.Of(ATemplate("UTC", daily: 1, weekly: 3, monthly: 5), At("2026-06-18T10:00:00Z"));

        Assert.Equal([(PeriodKind.Day, 1), (PeriodKind.Week, 3), (PeriodKind.Month, 5)], periods.Select(p => (p.Kind, p.Limit)));
        Assert.Equal(["DAY", "WEEK", "MONTH"], periods.Select(p => p.Name));
        Assert.All(periods, p => Assert.Equal("UTC", p.TimeZone));
    }
}
