using NodaTime;
using PromotionEngine.Contracts.MerchantAdmin;

namespace PromotionEngine.Engine.Claims;

/// <summary>A kind of claim period: a day, an ISO week (Monday to Monday) or a calendar month of the template's time zone.</summary>
internal enum PeriodKind
{
    Day,
    Week,
    Month,
}

/// <summary>
/// One per-period limit as it stands at a claim: the period the claim falls in, as UTC instants [Start, End), and its limit.
/// Counters are keyed by the period's start, so a new period starts from nothing and an old one is never read again.
/// </summary>
/// <remarks>
/// Periods come from NodaTime's embedded IANA database (as merchant-admin validates the zone), so every instance draws the same
/// boundaries whatever its host's tzdata. A day starts at the zone's first instant of the date: 00:00, or later where a
/// daylight-saving gap skips midnight.
/// </remarks>
internal sealed record ClaimPeriod(PeriodKind Kind, int Limit, DateTimeOffset Start, DateTimeOffset End, string TimeZone)
{
    /// <summary>The wire name: DAY, WEEK or MONTH.</summary>
    public string Name => Kind switch
    {
        PeriodKind.Day => "DAY",
        PeriodKind.Week => "WEEK",
        _ => "MONTH",
    };

    /// <summary>One letter per kind, for the counters' keys and rows.</summary>
    public string Code => Kind switch
    {
        PeriodKind.Day => "D",
        PeriodKind.Week => "W",
        _ => "M",
    };

    /// <summary>No period lasts longer (a month of 31 days and a daylight-saving hour): a count started before now minus this is over.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(32);

    public long StartMillis => Start.ToUnixTimeMilliseconds();

    public long EndMillis => End.ToUnixTimeMilliseconds();

    /// <summary>The template's limited periods that <paramref name="now"/> falls in: day, week, month (only those it limits).</summary>
    public static IReadOnlyList<ClaimPeriod> Of(CouponTemplateSnapshot template, DateTimeOffset now)
    {
        if (template.PerUserDailyLimit is null && template.PerUserWeeklyLimit is null && template.PerUserMonthlyLimit is null) return [];
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(template.TimeZone)
            ?? throw new InvalidOperationException($"Template {template.Id} has the time zone '{template.TimeZone}', unknown to this engine.");
        var today = Instant.FromDateTimeOffset(now).InZone(zone).Date;
        var periods = new List<ClaimPeriod>(3);
        if (template.PerUserDailyLimit is { } daily)
            periods.Add(Between(PeriodKind.Day, daily, today, today.PlusDays(1), zone, template.TimeZone));
        if (template.PerUserWeeklyLimit is { } weekly)
        {
            var monday = today.PlusDays(-((int)today.DayOfWeek - (int)IsoDayOfWeek.Monday));
            periods.Add(Between(PeriodKind.Week, weekly, monday, monday.PlusWeeks(1), zone, template.TimeZone));
        }
        if (template.PerUserMonthlyLimit is { } monthly)
        {
            var first = new LocalDate(today.Year, today.Month, 1);
            periods.Add(Between(PeriodKind.Month, monthly, first, first.PlusMonths(1), zone, template.TimeZone));
        }
        return periods;
    }

    private static ClaimPeriod Between(PeriodKind kind, int limit, LocalDate from, LocalDate until, DateTimeZone zone, string zoneId) =>
        new(kind, limit, zone.AtStartOfDay(from).ToDateTimeOffset().ToUniversalTime(), zone.AtStartOfDay(until).ToDateTimeOffset().ToUniversalTime(),
            zoneId);
}
