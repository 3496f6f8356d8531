using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;

namespace PromotionEngine.Tabular.Xlsx;

/// <summary>The shared strings a sheet's cells point into (t="s"), by index.</summary>
internal interface ISharedStrings
{
    int Count { get; }

    /// <summary>The stored text of entry <paramref name="index"/> (0 ≤ index &lt; Count), before <see cref="CellValues.Decode"/>.</summary>
    string Get(int index);
}

/// <summary>
/// Turns a cell's stored text into the value the merchant sees, as MiniExcel (the reader these files were read with
/// before) did, so row numbers, values and failure reasons stay what they were: the type attribute decides (shared
/// string, inline string, boolean, ISO date, error, else a number when it parses); a number whose cell format shows a
/// date or a time becomes a date or a duration; _xHHHH_ escapes are decoded in strings.
/// </summary>
internal sealed partial class CellValues(ISharedStrings? strings, IReadOnlyList<NumberKind>? numberFormats)
{
    private const NumberStyles Any = NumberStyles.Any;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The cell's value: null, string, double, bool, DateTime or TimeSpan.</summary>
    public object? Value(string? text, string? type, string? style)
    {
        object? value = null;
        if (!string.IsNullOrEmpty(text))
        {
            value = type switch
            {
                "s" => int.TryParse(text, Any, Invariant, out var index) && index >= 0 && index < Strings.Count ? Decode(Strings.Get(index)) : null,
                "inlineStr" or "str" => Decode(text),
                "b" => text == "1",
                "d" => DateTime.TryParseExact(
                    text, "yyyy-MM-dd", Invariant, DateTimeStyles.AllowLeadingWhite | DateTimeStyles.AllowTrailingWhite, out var date)
                    ? date : text,
                "e" => text,
                _ => double.TryParse(text, Any, Invariant, out var number) ? number : text,
            };
        }
        if (string.IsNullOrEmpty(style)) return value;
        // A styled cell needs the workbook's styles part even when it is empty (as before: no styles part, no reading).
        var formats = numberFormats ?? throw new InvalidDataException("A cell has a style but the workbook has no styles part.");
        if (value is not double d || !int.TryParse(style, Any, Invariant, out var xf) || xf < 0 || xf >= formats.Count) return value;
        return formats[xf] switch
        {
            NumberKind.Date => d > -657_435 && d < 2_958_466 ? DateTime.FromOADate(d) : d,
            NumberKind.Duration => TimeSpan.FromDays(d),
            _ => d,
        };
    }

    private ISharedStrings Strings => strings ?? throw new InvalidDataException("A cell points into shared strings but the workbook has none.");

    /// <summary>A cell as the merchant sees it: whole numbers without a decimal point or exponent.</summary>
    public static string Text(object? cell) => cell switch
    {
        null => "",
        string s => s,
        double d when d == Math.Floor(d) && Math.Abs(d) < 1e17 => ((long)d).ToString(Invariant),
        IFormattable f => f.ToString(null, Invariant),
        _ => cell.ToString() ?? "",
    };

    /// <summary>SpreadsheetML escapes characters XML cannot hold as _xHHHH_; an upper-case _XHHHH_ is kept as written.</summary>
    public static string Decode(string text)
    {
        if (text.IndexOf('_') < 0) return text;
        return XmlConvert.DecodeName(UpperEscape().Replace(text, "_x005F_$1_"));
    }

    [GeneratedRegex("_(X[0-9A-Fa-f]{4})_")]
    private static partial Regex UpperEscape();

    /// <summary>
    /// What each cell format (cellXfs, in order) makes of a number: a built-in date or time format (14-17, 22, 58; 18-21,
    /// 45-47), a custom format that shows a date (<see cref="IsDateFormat"/>), or the number as it is.
    /// </summary>
    public static List<NumberKind> ReadNumberFormats(PartReader part)
    {
        var ids = new List<int>();
        var custom = new Dictionary<int, string?>();
        if (!part.ReadRoot() || !part.IsStart("styleSheet")) return [];
        var seen = false;
        part.Children(() =>
        {
            if (part.IsStart("cellXfs") && !seen)
            {
                seen = true;
                part.Children(() =>
                {
                    if (!part.IsStart("xf")) return;
                    if (ids.Count >= MaxFormats) throw TooManyFormats();
                    ids.Add(int.TryParse(part.Xml.GetAttribute("numFmtId"), out var id) ? id : 0);
                });
            }
            else if (part.IsStart("numFmts"))
            {
                part.Children(() =>
                {
                    if (!part.IsStart("numFmt")) return;
                    if (custom.Count >= MaxFormats) throw TooManyFormats();
                    custom.TryAdd(int.TryParse(part.Xml.GetAttribute("numFmtId"), out var id) ? id : 0, part.Xml.GetAttribute("formatCode"));
                });
            }
        });
        return ids.Select(id => id switch
        {
            14 or 15 or 16 or 17 or 22 or 58 => NumberKind.Date,
            18 or 19 or 20 or 21 or 45 or 46 or 47 => NumberKind.Duration,
            <= 22 or (>= 37 and <= 49) => NumberKind.Plain, // the other built-in formats
            _ => custom.TryGetValue(id, out var code) && IsDateFormat(code) ? NumberKind.Date : NumberKind.Plain,
        }).ToList();
    }

    private const int MaxFormats = 65_536;

    private static WorkbookLimitException TooManyFormats() =>
        new(WorkbookLimit.Structure, $"The workbook's styles part defines more than {MaxFormats} formats.");

    /// <summary>
    /// Whether a custom number format shows a date: one of its sections holds a date part (y, m, d, h, s, g, AM/PM outside
    /// quotes, escapes and brackets) and no elapsed-time part ([h], [m], [s]); a format that does not tokenize shows none.
    /// Sections after an empty one are not looked at.
    /// </summary>
    public static bool IsDateFormat(string? code)
    {
        if (code is null) return false;
        var at = 0;
        var found = false;
        while (true)
        {
            bool any = false, date = false, elapsed = false;
            while (at < code.Length)
            {
                var start = at;
                if (!NextToken(code, ref at)) return false;
                var token = code.AsSpan(start, at - start);
                if (token is ";") break;
                any = true;
                if (IsElapsedPart(token)) (date, elapsed) = (true, true);
                else if (IsDatePart(token)) date = true;
            }
            if (!any) return found;
            found |= date && !elapsed;
        }
    }

    private static bool NextToken(string code, ref int at)
    {
        var c = code[at];
        if (c is '\\' or '*' or '_')
        {
            at = Math.Min(at + 2, code.Length);
            return true;
        }
        if (c is '"' or '[')
        {
            var close = code.IndexOf(c == '"' ? '"' : ']', at + 1);
            if (close > at)
            {
                at = close + 1;
                return true;
            }
            return false;
        }
        if ("#?,!&%+-$€£0123456789{}():;/.@ ".Contains(c))
        {
            at++;
            return true;
        }
        foreach (var word in (string[])["e+", "e-", "General", "am/pm", "a/p"])
        {
            if (string.Compare(code, at, word, 0, word.Length, StringComparison.OrdinalIgnoreCase) == 0 && at + word.Length <= code.Length)
            {
                at += word.Length;
                return true;
            }
        }
        if ("yYmMdDhHsSgG".Contains(c))
        {
            while (at < code.Length && code[at] == c) at++;
            return true;
        }
        return false;
    }

    private static bool IsElapsedPart(ReadOnlySpan<char> token) =>
        token.StartsWith("[h", StringComparison.OrdinalIgnoreCase) || token.StartsWith("[m", StringComparison.OrdinalIgnoreCase)
        || token.StartsWith("[s", StringComparison.OrdinalIgnoreCase);

    private static bool IsDatePart(ReadOnlySpan<char> token) =>
        token.Length > 0 && (char.ToLowerInvariant(token[0]) is 'y' or 'm' or 'd' or 's' or 'h'
            || (char.ToLowerInvariant(token[0]) == 'g' && !token.Equals("general", StringComparison.OrdinalIgnoreCase))
            || token.Equals("am/pm", StringComparison.OrdinalIgnoreCase) || token.Equals("a/p", StringComparison.OrdinalIgnoreCase));
}

/// <summary>What a cell format makes of a number.</summary>
internal enum NumberKind
{
    Plain,
    Date,
    Duration,
}
