using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace PromotionEngine.WebConsole.Viewing;

/// <summary>
/// Who is looking: the language (the one chosen in the console, else the first of the browser's Accept-Language the console
/// speaks: zh-CN for any Chinese, else English) and the time zone (the browser's, which the console's script keeps in a cookie;
/// UTC until it has).
/// </summary>
internal sealed class Viewer
{
    public const string LanguageCookie = "promo-console-lang";
    public const string TimeZoneCookie = "promo-console-tz";

    public Viewer(IHttpContextAccessor accessor)
    {
        var request = accessor.HttpContext?.Request;
        Language = LanguageOf(request?.Cookies[LanguageCookie], request?.Headers.AcceptLanguage.ToString());
        TimeZone = ZoneOf(request?.Cookies[TimeZoneCookie]);
        Text = new Texts(Language);
    }

    /// <summary>"zh-CN" or "en".</summary>
    public string Language { get; }

    public TimeZoneInfo TimeZone { get; }

    public Texts Text { get; }

    public static string LanguageOf(string? chosen, string? acceptLanguage)
    {
        if (chosen is "en" or "zh-CN") return chosen;
        if (string.IsNullOrWhiteSpace(acceptLanguage)) return "en";
        if (!StringWithQualityHeaderValue.TryParseList(acceptLanguage.Split(','), out var ranges)) return "en";
        foreach (var range in ranges.Where(r => (r.Quality ?? 1) > 0).OrderByDescending(r => r.Quality ?? 1))
        {
            var tag = range.Value.Value ?? "";
            if (tag.StartsWith("zh", StringComparison.OrdinalIgnoreCase)) return "zh-CN";
            if (tag.StartsWith("en", StringComparison.OrdinalIgnoreCase)) return "en";
        }
        return "en";
    }

    public static TimeZoneInfo ZoneOf(string? id) =>
        id is { Length: > 0 and <= 64 } && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
}
