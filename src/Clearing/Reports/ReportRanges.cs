using System.Globalization;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.Clearing.Reports;

/// <summary>How finely a report buckets time: local days or local hours.</summary>
internal enum Granularity
{
    Day,
    Hour,
}

/// <summary>
/// The range every report takes: <c>timeZone</c> (an IANA id), <c>from</c> and <c>to</c> (local dates, both included), and how long
/// it may be: a longer range would make the store sum too much at once for an answer a person reads (an export included).
/// </summary>
internal static class ReportRanges
{
    public const int MaxDays = 366;
    public const int MaxHourDays = 31;
    public static readonly DateOnly Earliest = new(2000, 1, 1);
    public static readonly DateOnly Latest = new(9998, 12, 31);

    public const string TimeZoneRule = "Required: an IANA time zone id, exact case (Asia/Shanghai, America/New_York, UTC).";
    public const string DateRule = "Required: a local date yyyy-MM-dd from 2000-01-01 to 9998-12-31.";

    public static Granularity? ParseGranularity(string? value) => value?.ToUpperInvariant() switch
    {
        null or "DAY" => Granularity.Day,
        "HOUR" => Granularity.Hour,
        _ => null,
    };

    public static int MaxDaysOf(Granularity granularity) => granularity is Granularity.Hour ? MaxHourDays : MaxDays;

    /// <summary>
    /// The calendar of the range, or null: with the faults of form added to <paramref name="errors"/> (answered together with the
    /// caller's own as VALIDATION_FAILED), or, when the form is right, with <paramref name="refusal"/> TIME_ZONE_UNKNOWN or
    /// REPORT_RANGE_TOO_LONG.
    /// </summary>
    public static ReportCalendar? Read(string? timeZone, string? from, string? to, int maxDays, FieldErrors errors, out Refusal? refusal)
    {
        refusal = null;
        errors.When(string.IsNullOrEmpty(timeZone), "timeZone", TimeZoneRule);
        var first = ParseDate(from);
        var last = ParseDate(to);
        errors.When(first is null, "from", DateRule).When(last is null, "to", DateRule);
        if (first is { } f && last is { } l) errors.When(l < f, "to", "On or after from.");
        if (!errors.IsEmpty) return null;
        if (ReportCalendar.FindZone(timeZone!) is not { } zone)
        {
            refusal = new Refusal(ErrorCodes.TimeZoneUnknown,
                $"'{timeZone}' is not a time zone of the tz database: use an IANA id such as Asia/Shanghai (exact case).", "timeZone");
            return null;
        }
        if (last!.Value.DayNumber - first!.Value.DayNumber + 1 > maxDays)
        {
            refusal = new Refusal(ErrorCodes.ReportRangeTooLong,
                $"This report covers at most {maxDays} days: from {Iso(first.Value)} up to {Iso(first.Value.AddDays(maxDays - 1))}.", "to");
            return null;
        }
        return ReportCalendar.For(zone, first.Value, last.Value);
    }

    public static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly? ParseDate(string? value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
        && date >= Earliest && date <= Latest ? date : null;
}
