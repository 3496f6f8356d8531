using System.Text;
using Microsoft.AspNetCore.Http;
using MiniExcelLibs;

namespace PromotionEngine.Clearing.Reports;

/// <summary>
/// A report as a download: CSV written to the response row by row, .xlsx through a temporary workbook (a zip is written as a
/// whole) that is deleted when the response has been sent.
/// </summary>
internal static class ReportDownloads
{
    public static async Task<IResult> DownloadAsync(ReportTable table, ReportFormat format, CancellationToken ct)
    {
        switch (format)
        {
            case ReportFormat.Csv:
                return Results.Stream(output => WriteCsvAsync(table, output, ct), "text/csv; charset=utf-8", table.Name + ".csv");
            case ReportFormat.Xlsx:
                var path = Path.Combine(Path.GetTempPath(), $"promotion-report-{Guid.NewGuid():N}.xlsx");
                try
                {
                    await WriteXlsxAsync(table, path, ct);
                }
                catch
                {
                    File.Delete(path);
                    throw;
                }
                var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024,
                    FileOptions.DeleteOnClose | FileOptions.Asynchronous);
                return Results.File(stream, ReportFormats.XlsxMediaType, table.Name + ".xlsx");
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "JSON is answered, not downloaded.");
        }
    }

    /// <summary>UTF-8 with a byte order mark (spreadsheets then read it as UTF-8), a header row, one line per row.</summary>
    public static async Task WriteCsvAsync(ReportTable table, Stream output, CancellationToken ct)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 64 * 1024, leaveOpen: true);
        await writer.WriteLineAsync(string.Join(',', table.Header.Select(Csv)));
        foreach (var row in table.Rows)
        {
            ct.ThrowIfCancellationRequested();
            await writer.WriteLineAsync(string.Join(',', row.Select(v => Csv(ReportTable.Text(v)))));
        }
        await writer.FlushAsync(ct);
    }

    /// <summary>
    /// One sheet named "report": numbers stay numbers, dates and instants are ISO text as in the JSON. The header is written as the
    /// first row of data, so an empty report still has it (MiniExcel takes the columns from the first row).
    /// </summary>
    public static async Task WriteXlsxAsync(ReportTable table, string path, CancellationToken ct)
    {
        await using var file = File.Create(path);
        await MiniExcel.SaveAsAsync(file, new Dictionary<string, object> { ["report"] = Sheet(table) }, printHeader: false,
            excelType: ExcelType.XLSX, cancellationToken: ct);
    }

    private static IEnumerable<IDictionary<string, object?>> Sheet(ReportTable table)
    {
        yield return table.Header.ToDictionary(h => h, h => (object?)h, StringComparer.Ordinal);
        foreach (var row in table.Rows)
        {
            var cells = new Dictionary<string, object?>(table.Header.Count, StringComparer.Ordinal);
            for (var i = 0; i < table.Header.Count; i++)
                cells[table.Header[i]] = row[i] is DateOnly or DateTimeOffset ? ReportTable.Text(row[i]) : row[i];
            yield return cells;
        }
    }

    /// <summary>Quoted when needed; a value a spreadsheet would run as a formula is prefixed with an apostrophe.</summary>
    private static string Csv(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '@' or '\t' or '\r' || (value.StartsWith('-') && !IsNumber(value))) value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    private static bool IsNumber(string value) =>
        decimal.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign | System.Globalization.NumberStyles.AllowDecimalPoint,
            System.Globalization.CultureInfo.InvariantCulture, out _);
}
