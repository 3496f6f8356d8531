using System.Text;
using MiniExcelLibs;

namespace PromotionEngine.Clearing.Reconciliation;

/// <summary>
/// A run's discrepancies as a download, read from the store page by page as they are written: CSV straight to the response,
/// .xlsx through a work file (a workbook is a zip written whole), a sheet per million rows.
/// </summary>
internal sealed class DiscrepancyExport(IReconciliations runs)
{
    private const int PageSize = 10_000;
    public const int RowsPerSheet = 1_000_000;
    public const string XlsxMediaType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public static readonly string[] Header = ["seq", "kind", "order_id", "coupon_id", "sources", "values"];

    public async Task WriteCsvAsync(long runId, string? kind, Stream output, CancellationToken ct)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 64 * 1024, leaveOpen: true);
        await writer.WriteLineAsync(string.Join(',', Header));
        long after = 0;
        while (true)
        {
            var page = await runs.PageAsync(runId, kind, after, PageSize, ct);
            foreach (var (seq, d) in page)
                await writer.WriteLineAsync($"{seq},{d.Kind},{Csv(d.OrderId)},{d.CouponId},{Csv(d.Sources)},{Csv(d.Values)}");
            if (page.Count < PageSize) break;
            after = page[^1].Seq;
        }
        await writer.FlushAsync(ct);
    }

    public async Task WriteXlsxAsync(long runId, string? kind, string path, CancellationToken ct)
    {
        // The sheets are made as the workbook is written: each pulls its pages synchronously (MiniExcel enumerates synchronously).
        var sheets = new Dictionary<string, object>();
        var cursor = new SheetCursor();
        var count = await CountAsync(runId, kind, ct);
        var sheetCount = Math.Max(1, (count + RowsPerSheet - 1) / RowsPerSheet);
        for (var sheet = 1; sheet <= sheetCount; sheet++)
            sheets[sheet == 1 ? "discrepancies" : $"discrepancies-{sheet}"] = Rows(runId, kind, cursor);
        await using var file = File.Create(path);
        await MiniExcel.SaveAsAsync(file, sheets, excelType: ExcelType.XLSX, cancellationToken: ct);
    }

    private async Task<long> CountAsync(long runId, string? kind, CancellationToken ct) =>
        await runs.FindAsync(runId, ct) is { } run ? (kind is null ? run.Discrepancies : run.Counts.GetValueOrDefault(kind)) : 0;

    private sealed class SheetCursor
    {
        public long After;
    }

    private IEnumerable<IDictionary<string, object?>> Rows(long runId, string? kind, SheetCursor cursor)
    {
        var counted = 0;
        while (counted < RowsPerSheet)
        {
            var page = runs.PageAsync(runId, kind, cursor.After, Math.Min(PageSize, RowsPerSheet - counted), CancellationToken.None)
                .GetAwaiter().GetResult();
            foreach (var (seq, d) in page)
            {
                yield return new Dictionary<string, object?>
                {
                    [Header[0]] = seq, [Header[1]] = d.Kind, [Header[2]] = d.OrderId, [Header[3]] = d.CouponId?.ToString(),
                    [Header[4]] = d.Sources, [Header[5]] = d.Values,
                };
            }
            counted += page.Count;
            if (page.Count == 0) yield break;
            cursor.After = page[^1].Seq;
        }
    }

    /// <summary>Quoted when needed; a value a spreadsheet would run as a formula is prefixed with an apostrophe.</summary>
    public static string Csv(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r', ';']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}
