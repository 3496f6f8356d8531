using Microsoft.AspNetCore.Http;

namespace PromotionEngine.Distribution.Failures;

/// <summary>The whole failures report of a task as a download, streamed (CSV) or through a temporary workbook (.xlsx).</summary>
internal static class FailureDownloads
{
    public static async Task<IResult> DownloadAsync(FailureExport export, long taskId, FailureReportFormat format, CancellationToken requestAborted,
        CancellationToken ct)
    {
        var name = $"distribution-task-{taskId}-failures";
        switch (format)
        {
            case FailureReportFormat.Csv:
                return Results.Stream(output => export.WriteCsvAsync(taskId, output, requestAborted), "text/csv; charset=utf-8", name + ".csv");
            case FailureReportFormat.Xlsx:
                var path = Path.Combine(Path.GetTempPath(), $"promotion-failures-{Guid.NewGuid():N}.xlsx");
                await export.WriteXlsxAsync(taskId, path, ct);
                // FileOptions.DeleteOnClose: the temporary workbook goes when the response has been sent.
                var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024,
                    FileOptions.DeleteOnClose | FileOptions.Asynchronous);
                return Results.File(stream, FailureReportFormats.XlsxMediaType, name + ".xlsx");
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "JSON is answered a page at a time, not downloaded.");
        }
    }
}
