using System.Globalization;
using System.Text.RegularExpressions;

namespace PromotionEngine.MerchantAdmin.Templates;

/// <summary>
/// ISO-8601 durations of fixed length (weeks, days, hours, minutes, seconds). Months and years are
/// refused: "valid for one month after claim" has no single length, and a coupon's end must be exact.
/// </summary>
internal static partial class Iso8601Duration
{
    // [0-9], not \d: \d also matches full-width and other Unicode digits, which long.Parse then rejects.
    [GeneratedRegex(
        @"^P(?:(?<w>[0-9]{1,4})W)?(?:(?<d>[0-9]{1,5})D)?(?:T(?:(?<h>[0-9]{1,6})H)?(?:(?<m>[0-9]{1,7})M)?(?:(?<s>[0-9]{1,9})S)?)?$",
        RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        var match = Pattern().Match(text);
        if (!match.Success || text == "P" || text.EndsWith('T')) return false;
        long Part(string name) => match.Groups[name].Success ? long.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture) : 0;
        duration = TimeSpan.FromDays(Part("w") * 7 + Part("d")) + TimeSpan.FromHours(Part("h")) + TimeSpan.FromMinutes(Part("m"))
            + TimeSpan.FromSeconds(Part("s"));
        return true;
    }

    /// <summary>Days, hours, minutes and seconds, e.g. P7D or P1DT12H.</summary>
    public static string Format(TimeSpan duration)
    {
        var text = "P";
        if (duration.Days > 0) text += duration.Days.ToString(CultureInfo.InvariantCulture) + "D";
        var time = "";
        if (duration.Hours > 0) time += duration.Hours.ToString(CultureInfo.InvariantCulture) + "H";
        if (duration.Minutes > 0) time += duration.Minutes.ToString(CultureInfo.InvariantCulture) + "M";
        if (duration.Seconds > 0) time += duration.Seconds.ToString(CultureInfo.InvariantCulture) + "S";
        return time.Length > 0 ? text + "T" + time : text == "P" ? "PT0S" : text;
    }
}
