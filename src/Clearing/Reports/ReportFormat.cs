namespace PromotionEngine.Clearing.Reports;

/// <summary>How a report is answered: JSON, or a download as CSV or as an .xlsx workbook.</summary>
internal enum ReportFormat
{
    Json,
    Csv,
    Xlsx,
}

internal static class ReportFormats
{
    public const string CsvMediaType = "text/csv";
    public const string XlsxMediaType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string Rule = "json, csv or xlsx; absent: the Accept header may ask for text/csv or .xlsx, anything else is JSON.";

    /// <summary>
    /// The <c>format</c> query parameter decides (json, csv, xlsx; any case); without it the Accept header may ask for CSV or .xlsx,
    /// and anything else is JSON (as distribution's failures report does). Null: a format the reports do not come in.
    /// </summary>
    public static ReportFormat? Negotiate(string? format, string accept) => (format?.ToLowerInvariant(), accept) switch
    {
        ("csv", _) => ReportFormat.Csv,
        ("xlsx", _) => ReportFormat.Xlsx,
        ("json", _) => ReportFormat.Json,
        (null, var a) when a.Contains(CsvMediaType, StringComparison.OrdinalIgnoreCase) => ReportFormat.Csv,
        (null, var a) when a.Contains(XlsxMediaType, StringComparison.OrdinalIgnoreCase) => ReportFormat.Xlsx,
        (null, _) => ReportFormat.Json,
        _ => null,
    };
}
