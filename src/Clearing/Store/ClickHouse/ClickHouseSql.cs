using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace PromotionEngine.Clearing.Store.ClickHouse;

/// <summary>
/// Values written into ClickHouse SQL text. ClickHouse 18.16 has no query parameters on its HTTP interface (the
/// <c>param_</c> feature came in 19.x; 18.16 answers "Unknown setting param_p"), so every value is formatted here:
/// numbers invariantly, days as 'yyyy-MM-dd', strings as quoted literals with the backslash escapes ClickHouse reads.
/// </summary>
internal static partial class ClickHouseSql
{
    public const string IdentifierPattern = "^[A-Za-z_][A-Za-z0-9_]{0,62}$";

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Day(DateOnly day) => "toDate('" + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "')";

    /// <summary>A string literal: quotes and backslashes escaped, control characters as escapes, so no value ends the literal.</summary>
    public static string String(string value)
    {
        var sql = new StringBuilder(value.Length + 2).Append('\'');
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => sql.Append(@"\\"),
                '\'' => sql.Append(@"\'"),
                '\n' => sql.Append(@"\n"),
                '\r' => sql.Append(@"\r"),
                '\t' => sql.Append(@"\t"),
                '\0' => sql.Append(@"\0"),
                _ => sql.Append(c),
            };
        }
        return sql.Append('\'').ToString();
    }

    /// <summary>A database or table name, refused unless it is a plain identifier (names cannot be escaped into safety in 18.16).</summary>
    public static string Identifier(string name) =>
        IdentifierRegex().IsMatch(name) ? name : throw new ArgumentException($"'{name}' is not a plain identifier.", nameof(name));

    [GeneratedRegex(IdentifierPattern)]
    private static partial Regex IdentifierRegex();
}
