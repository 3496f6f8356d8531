namespace PromotionEngine.Distribution.Failures;

/// <summary>How a task's failures report is answered: a JSON page, or the whole report as CSV or as an .xlsx workbook.</summary>
internal enum FailureReportFormat
{
    Json,
    Csv,
    Xlsx,
}

internal static class FailureReportFormats
{
    public const string XlsxMediaType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>
    /// The <c>format</c> query parameter decides (json, csv, xlsx; any case); without it the Accept header may ask for CSV or
    /// .xlsx, and anything else is JSON. Null: a format the report does not come in.
    /// </summary>
    public static FailureReportFormat? Negotiate(string? format, string accept) => (format?.ToLowerInvariant(), accept) switch
    {
        ("csv", _) => FailureReportFormat.Csv,
        ("xlsx", _) => FailureReportFormat.Xlsx,
        ("json", _) => FailureReportFormat.Json,
        (null, var a) when a.Contains("text/csv", StringComparison.OrdinalIgnoreCase) => FailureReportFormat.Csv,
        (null, var a) when a.Contains(XlsxMediaType, StringComparison.OrdinalIgnoreCase) => FailureReportFormat.Xlsx,
        (null, _) => FailureReportFormat.Json,
        _ => null,
    };
}
