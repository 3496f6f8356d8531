namespace PromotionEngine.Clearing.Statements;

/// <summary>How a statement is answered: JSON, or as a file (CSV, .xlsx workbook).</summary>
internal enum StatementFormat
{
    Json,
    Csv,
    Xlsx,
}

internal static class StatementFormats
{
    public const string XlsxMediaType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>
    /// The <c>format</c> query parameter decides (json, csv, xlsx; any case); without it the Accept header may ask for CSV or .xlsx,
    /// and anything else is JSON. Null: a format the statement does not come in.
    /// </summary>
    public static StatementFormat? Negotiate(string? format, string accept) => (format?.ToLowerInvariant(), accept) switch
    {
        ("csv", _) => StatementFormat.Csv,
        ("xlsx", _) => StatementFormat.Xlsx,
        ("json", _) => StatementFormat.Json,
        (null, var a) when a.Contains("text/csv", StringComparison.OrdinalIgnoreCase) => StatementFormat.Csv,
        (null, var a) when a.Contains(XlsxMediaType, StringComparison.OrdinalIgnoreCase) => StatementFormat.Xlsx,
        (null, _) => StatementFormat.Json,
        _ => null,
    };
}
