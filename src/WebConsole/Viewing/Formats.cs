using System.Globalization;
using PromotionEngine.Kernel;

namespace PromotionEngine.WebConsole.Viewing;

/// <summary>Money and times as a person reads them: minor units in the currency's own digits, times local with their offset.</summary>
internal static class Formats
{
    /// <summary>1234 CNY → "12.34 CNY"; 1234 JPY → "1,234 JPY"; 1234 BHD (3 digits) → "1.234 BHD".</summary>
    public static string Money(long minor, string currency)
    {
        var digits = Currency.MinorDigits.TryGetValue(currency, out var d) ? d : 2;
        var major = (decimal)minor / Pow10(digits);
        return major.ToString("N" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + " " + currency;
    }

    /// <summary>What a person types for an amount ("12.34") in minor units, or null when it is not one of the currency.</summary>
    public static long? MinorOf(string? text, string currency)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var digits = Currency.MinorDigits.TryGetValue(currency, out var d) ? d : 2;
        if (!decimal.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var major)) return null;
        var minor = major * Pow10(digits);
        return minor == decimal.Truncate(minor) && minor <= long.MaxValue ? (long)minor : null;
    }

    /// <summary>"2026-12-07 14:05 +08:00" in the viewer's zone.</summary>
    public static string Time(DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        return local.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture);
    }

    /// <summary>The value of a datetime-local input for an instant, in the viewer's zone.</summary>
    public static string LocalInput(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    /// <summary>A datetime-local input read in the viewer's zone, or null when it is not a time.</summary>
    public static DateTimeOffset? FromLocalInput(string? text, TimeZoneInfo zone)
    {
        if (!DateTime.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"], CultureInfo.InvariantCulture,
                DateTimeStyles.None, out var local)) return null;
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        return new DateTimeOffset(unspecified, zone.GetUtcOffset(unspecified));
    }

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static decimal Pow10(int digits) => digits switch { 0 => 1m, 1 => 10m, 2 => 100m, 3 => 1000m, _ => (decimal)Math.Pow(10, digits) };
}
