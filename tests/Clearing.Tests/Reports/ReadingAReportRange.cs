using PromotionEngine.Clearing.Reports;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.Clearing.Tests.Reports;

/// <summary>
/// A report's time zone and local dates: malformed is VALIDATION_FAILED; an unknown zone and too long a range have codes of their own.
/// </summary>
public class ReadingAReportRange
{
    [Fact]
    public void A_known_zone_and_dates_make_the_calendar()
    {
        var errors = new FieldErrors();

        var calendar = ReportRanges.Read("Asia/Kathmandu", "2026-06-01", "2026-06-30", ReportRanges.MaxDays, errors, out var refusal);

        Assert.True(errors.IsEmpty);
        Assert.Null(refusal);
        Assert.Equal(("Asia/Kathmandu", new DateOnly(2026, 6, 1), new DateOnly(2026, 6, 30)), (calendar!.TimeZone, calendar.From, calendar.To));
    }

    [Theory]
    [InlineData(null, "2026-06-01", "2026-06-30", "timeZone")]
    [InlineData("", "2026-06-01", "2026-06-30", "timeZone")]
    [InlineData("UTC", null, "2026-06-30", "from")]
    [InlineData("UTC", "2026-6-1", "2026-06-30", "from")]
    [InlineData("UTC", "2026-06-01T00:00:00Z", "2026-06-30", "from")]
    [InlineData("UTC", "1999-12-31", "2000-01-01", "from")]
    [InlineData("UTC", "2026-06-01", "2026-02-30", "to")]
    [InlineData("UTC", "2026-06-02", "2026-06-01", "to")]
    public void A_malformed_range_names_its_field(string? zone, string? from, string? to, string field)
    {
        var errors = new FieldErrors();

        Assert.Null(ReportRanges.Read(zone, from, to, ReportRanges.MaxDays, errors, out var refusal));

        Assert.Null(refusal);
        Assert.True(errors.Has(field));
    }

    [Theory]
    [InlineData("Beijing")]
    [InlineData("asia/shanghai")]
    [InlineData("China Standard Time")]
    public void An_unknown_zone_is_refused_with_its_own_code(string zone)
    {
        var errors = new FieldErrors();

        Assert.Null(ReportRanges.Read(zone, "2026-06-01", "2026-06-30", ReportRanges.MaxDays, errors, out var refusal));

        Assert.True(errors.IsEmpty);
        Assert.Equal((ErrorCodes.TimeZoneUnknown, "timeZone"), (refusal!.Error, refusal.Field));
    }

    [Theory]
    [InlineData("DAY", "2026-01-01", "2027-01-01", true)] // 366 days
    [InlineData("DAY", "2026-01-01", "2027-01-02", false)]
    [InlineData("HOUR", "2026-06-01", "2026-07-01", true)] // 31 days
    [InlineData("HOUR", "2026-06-01", "2026-07-02", false)]
    public void A_range_longer_than_the_report_allows_is_refused(string granularity, string from, string to, bool allowed)
    {
        var errors = new FieldErrors();
        var maxDays = ReportRanges.MaxDaysOf(ReportRanges.ParseGranularity(granularity)!.Value);

        var calendar = ReportRanges.Read("Europe/Berlin", from, to, maxDays, errors, out var refusal);

        Assert.Equal(allowed, calendar is not null);
        if (!allowed) Assert.Equal((ErrorCodes.ReportRangeTooLong, "to"), (refusal!.Error, refusal.Field));
    }

    [Theory]
    [InlineData(null, "DAY")]
    [InlineData("day", "DAY")]
    [InlineData("HOUR", "HOUR")]
    [InlineData("week", null)]
    public void Granularity_is_day_or_hour(string? value, string? expected) =>
        Assert.Equal(expected, ReportRanges.ParseGranularity(value) is { } g ? CampaignReports.Name(g) : null);
}
