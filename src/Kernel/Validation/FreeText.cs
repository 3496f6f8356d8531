namespace PromotionEngine.Kernel.Validation;

/// <summary>
/// Text a client sends that is stored and shown again (names, descriptions, skus, refund ids, reasons): no control
/// characters, which break logs, terminals and CSV exports (NUL, ESC sequences, a CR LF in a one-line name), and no
/// bidirectional controls, which make a name read differently from what it is ("‮exe.pdf"). Refused, never stripped:
/// the caller learns which field is at fault and nothing is stored.
/// </summary>
public static class FreeText
{
    public const string SingleLineRule = "No control characters (U+0000–U+001F, U+007F–U+009F) and no bidirectional controls " +
        "(U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069).";

    public const string MultiLineRule = "No control characters other than line breaks (\\n or \\r\\n) and tabs, and no bidirectional controls " +
        "(U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069).";

    /// <summary>True when <paramref name="text"/> may be stored; null counts as acceptable (required-ness is the caller's rule).</summary>
    /// <param name="multiLine">A description: line breaks (\n, \r\n; a lone \r is not one) and tabs are kept.</param>
    public static bool IsClean(string? text, bool multiLine = false)
    {
        if (text is null) return true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\n' or '\t' when multiLine:
                    continue;
                case '\r' when multiLine && i + 1 < text.Length && text[i + 1] == '\n':
                    i++;
                    continue;
                case < ' ' or >= '\u007F' and <= '\u009F':
                case '\u061C' or '\u200E' or '\u200F' or >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069':
                    return false;
            }
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(c)) return false; // half a character: not text
        }
        return true;
    }

    /// <summary>Adds the rule under <paramref name="field"/> when the text has a character it forbids.</summary>
    public static FieldErrors Text(this FieldErrors errors, string field, string? text, bool multiLine = false) =>
        errors.When(!IsClean(text, multiLine), field, multiLine ? MultiLineRule : SingleLineRule);
}
