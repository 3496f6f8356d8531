using System.Globalization;

namespace PromotionEngine.Distribution.Recipients;

/// <summary>A user id cell: ASCII digits (surrounding spaces ignored), 1 to 9 223 372 036 854 775 807.</summary>
internal static class UserIdText
{
    public static bool TryParse(string raw, out long userId)
    {
        var text = raw.AsSpan().Trim();
        userId = 0;
        if (text.IsEmpty || text.Length > 19) return false;
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c)) return false;
        }
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out userId) && userId > 0;
    }
}
