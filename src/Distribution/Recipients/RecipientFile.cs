namespace PromotionEngine.Distribution.Recipients;

/// <summary>One record of a recipients file: its row number (the header is row 1) and the user id cell as read.</summary>
internal readonly record struct RecipientRow(long RowNumber, string Raw);

/// <summary>A file accepted at upload: its format and the 0-based column holding the user id.</summary>
internal sealed record FileLayout(FileFormat Format, int UserIdColumn);

/// <summary>
/// Recipients files, read streaming through <see cref="TabularFile"/> (CSV or .xlsx, within <see cref="WorkbookLimits"/>):
/// a header with a user id column, then one recipient per record.
/// </summary>
internal static class RecipientFile
{
    public const int MaxRecordBytes = TabularFile.MaxRecordBytes;
    private static readonly string[] UserIdHeaders = ["userid", "uid"];

    /// <summary>
    /// Decides at upload whether the file can be a recipients file: its format (a zip is .xlsx, anything
    /// else CSV), a header with a user id column, at least one row. Returns the layout, or why not.
    /// </summary>
    public static FileLayout? Inspect(string path, WorkbookLimits limits, out FileProblem? problem)
    {
        if (TabularFile.Sniff(path, out problem) is not { } format) return null;
        try
        {
            var (header, hasRow) = TabularFile.InspectHeader(path, format, limits, h => UserIdColumn(h) >= 0);
            if (header is null)
            {
                problem = new("The file has no header row.");
                return null;
            }
            var column = UserIdColumn(header);
            if (column < 0)
            {
                var seen = string.Join(", ", header.Take(10).Select(h => $"'{Truncate(h, 40)}'"));
                problem = new($"The header row has no user id column (name it userId, user_id or uid); it has: {seen}."
                    + (format == FileFormat.Xlsx ? $" Only the first {WorkbookLimits.MaxColumns} columns of a workbook are read." : ""));
                return null;
            }
            if (hasRow) return new FileLayout(format, column);
            problem = new("The file has a header row but no recipient rows.");
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            problem = TabularFile.Unreadable(format, e);
            return null;
        }
    }

    private static int UserIdColumn(string[] header) => Array.FindIndex(header, h => UserIdHeaders.Contains(TabularFile.NormalizeHeader(h)));

    /// <summary>The recipient rows after the header, blank records skipped (their row numbers are not reused).</summary>
    public static IEnumerable<RecipientRow> Rows(string path, FileLayout layout, WorkbookLimits limits)
    {
        using var records = TabularFile.Records(path, layout.Format, limits).GetEnumerator();
        if (!records.MoveNext()) yield break; // the header
        while (records.MoveNext())
        {
            var (number, cells) = records.Current;
            if (TabularFile.IsBlank(cells)) continue;
            yield return new RecipientRow(number, layout.UserIdColumn < cells.Length ? cells[layout.UserIdColumn] : "");
        }
    }

    public static string Truncate(string text, int length) => TabularFile.Truncate(text, length);
}

/// <summary>The reading budgets of a recipients workbook, from the options.</summary>
internal static class RecipientLimits
{
    extension(WorkbookLimits)
    {
        public static WorkbookLimits For(DistributionOptions options) =>
            WorkbookLimits.ForRows(options.MaxRows, options.XlsxBytesPerRow, options.XlsxMaxCompressionRatio);
    }
}
