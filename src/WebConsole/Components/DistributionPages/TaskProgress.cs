using System.Globalization;
using PromotionEngine.Contracts.Http.Distribution;
using PromotionEngine.WebConsole.Viewing;

namespace PromotionEngine.WebConsole.Components.DistributionPages;

/// <summary>
/// A task's progress as the task page shows it, in the viewer's words and zone: the page renders it, and its script polls it
/// (/console/distribution/{id}/progress) and puts each text where the page has it, so both say exactly the same.
/// </summary>
internal sealed record TaskProgress(
    string Status,
    string StatusText,
    bool Finished,
    long? TotalRows,
    long Processed,
    int Percent,
    string PercentText,
    string TotalText,
    string ProcessedText,
    string IssuedText,
    string FailedText,
    string RateText,
    string EtaText)
{
    private static readonly string[] Final = ["SUCCEEDED", "FAILED", "CANCELLED"];

    public static TaskProgress Of(DistributionTaskResponse task, Viewer viewer)
    {
        var finished = Final.Contains(task.Status);
        var percent = PercentOf(task);
        return new TaskProgress(
            task.Status,
            viewer.Text["task." + task.Status],
            finished,
            task.TotalRows,
            task.Processed,
            percent,
            percent.ToString(CultureInfo.InvariantCulture) + " %",
            task.TotalRows is { } total ? Formats.Count(total) : "—",
            Formats.Count(task.Processed),
            Formats.Count(task.Issued),
            Formats.Count(task.Failed),
            task.RowsPerSecond is { } rate ? rate.ToString("N1", CultureInfo.InvariantCulture) : "—",
            task.Eta is { } eta ? Formats.Time(eta, viewer.TimeZone) : "—");
    }

    /// <summary>Processed of the counted rows, rounded down (100 only when every row is processed); 100 for a succeeded task of no row.</summary>
    public static int PercentOf(DistributionTaskResponse task) => task.TotalRows switch
    {
        null => 0,
        0 => task.Status == "SUCCEEDED" ? 100 : 0,
        { } total => (int)Math.Min(100, task.Processed * 100 / total),
    };
}
