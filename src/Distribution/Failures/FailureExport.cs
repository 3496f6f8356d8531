using System.Text;
using MiniExcelLibs;
using PromotionEngine.Distribution.Recipients;

namespace PromotionEngine.Distribution.Failures;

/// <summary>
/// The failures report of a task, read from the database page by page and written as it is read, so a million
/// rows never sit in memory: CSV straight to the response, .xlsx through a temporary file (a workbook is a zip
/// written as a whole). An .xlsx sheet holds at most 1 048 576 rows, so a longer report continues on further sheets.
/// </summary>
internal sealed class FailureExport(IRecipientStore store)
{
    private const int PageSize = 10_000;
    public const int RowsPerSheet = 1_000_000;
    public static readonly string[] Header = ["rowNumber", "rawValue", "reason"];

    public async IAsyncEnumerable<FailureRow> AllAsync(
        long taskId, long afterRow, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        while (true)
        {
            var page = await store.FailuresAsync(taskId, afterRow, PageSize, ct);
            foreach (var row in page) yield return row;
            if (page.Count < PageSize) yield break;
            afterRow = page[^1].RowNumber;
        }
    }

    public async Task WriteCsvAsync(long taskId, Stream output, CancellationToken ct)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 64 * 1024, leaveOpen: true);
        await writer.WriteLineAsync(string.Join(',', Header));
        await foreach (var f in AllAsync(taskId, 0, ct))
            await writer.WriteLineAsync($"{f.RowNumber},{Csv(f.RawValue)},{f.Reason}");
        await writer.FlushAsync(ct);
    }

    /// <summary>Writes the workbook to <paramref name="path"/>; each sheet enumerates its own range of rows from the database.</summary>
    public async Task WriteXlsxAsync(long taskId, string path, CancellationToken ct)
    {
        var sheets = new Dictionary<string, object>();
        long? after = 0;
        for (var sheet = 1; after is { } from; sheet++)
        {
            sheets[sheet == 1 ? "failures" : $"failures-{sheet}"] = Rows(taskId, from);
            after = await store.FailureRowAtAsync(taskId, from, RowsPerSheet - 1, ct) is { } last
                && await store.FailureRowAtAsync(taskId, last, 0, ct) is not null ? last : null;
        }
        await using var file = File.Create(path);
        // MiniExcel pulls rows synchronously; each sheet's enumerator reads its pages as the workbook is written.
        await MiniExcel.SaveAsAsync(file, sheets, excelType: ExcelType.XLSX, cancellationToken: ct);
    }

    private IEnumerable<IDictionary<string, object>> Rows(long taskId, long after)
    {
        var counted = 0;
        while (counted < RowsPerSheet)
        {
            var page = store.FailuresAsync(taskId, after, Math.Min(PageSize, RowsPerSheet - counted), CancellationToken.None)
                .GetAwaiter().GetResult();
            foreach (var f in page)
                yield return new Dictionary<string, object> { [Header[0]] = f.RowNumber, [Header[1]] = f.RawValue, [Header[2]] = f.Reason };
            counted += page.Count;
            if (page.Count == 0) yield break;
            after = page[^1].RowNumber;
        }
    }

    /// <summary>Quoted when needed; a value a spreadsheet would run as a formula is prefixed with an apostrophe.</summary>
    public static string Csv(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}
