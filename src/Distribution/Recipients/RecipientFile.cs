using System.Text;
using PromotionEngine.Distribution.Recipients.Xlsx;
using PromotionEngine.Distribution.Tasks;
using Sylvan.Data.Csv;

namespace PromotionEngine.Distribution.Recipients;

/// <summary>One record of a recipients file: its row number (the header is row 1) and the user id cell as read.</summary>
internal readonly record struct RecipientRow(long RowNumber, string Raw);

/// <summary>A file accepted at upload: its format and the 0-based column holding the user id.</summary>
internal sealed record FileLayout(FileFormat Format, int UserIdColumn);

/// <summary>The file cannot be read as a recipients file (after it was accepted: garbage further in).</summary>
internal class UnreadableFileException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Why a file cannot be a recipients file: <see cref="Limit"/> set when a reading budget was passed
/// (<see cref="WorkbookLimits"/>).
/// </summary>
internal sealed record FileProblem(string Message, string? Limit = null);

/// <summary>
/// Reads recipients files streaming, one record at a time, whatever their size: CSV (UTF-8, a header row,
/// the delimiter detected from it) with Sylvan, .xlsx (the first sheet, its first row the header) with
/// <see cref="XlsxRecipients"/>, within <see cref="WorkbookLimits"/>. A record larger than <see cref="MaxRecordBytes"/>
/// makes the file unreadable rather than growing a buffer without bound.
/// </summary>
internal static class RecipientFile
{
    public const int MaxRecordBytes = 1024 * 1024;
    private static readonly string[] UserIdHeaders = ["userid", "uid"];

    /// <summary>
    /// Decides at upload whether the file can be a recipients file: its format (a zip is .xlsx, anything
    /// else CSV), a header with a user id column, at least one row. Returns the layout, or why not.
    /// </summary>
    public static FileLayout? Inspect(string path, WorkbookLimits limits, out FileProblem? problem)
    {
        problem = null;
        var head = new byte[8192];
        int read;
        using (var probe = File.OpenRead(path)) read = probe.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (read == 0)
        {
            problem = new("The file is empty.");
            return null;
        }
        var format = read >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4 ? FileFormat.Xlsx : FileFormat.Csv;
        var utf16 = read >= 2 && ((head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF));
        if (format == FileFormat.Csv && !utf16 && head.AsSpan(0, read).Contains((byte)0))
        {
            problem = new("The file is neither a CSV text file nor an .xlsx workbook (it holds binary data).");
            return null;
        }
        try
        {
            var (header, hasRow) = format == FileFormat.Xlsx ? XlsxRecipients.Inspect(path, limits, h => UserIdColumn(h) >= 0) : InspectCsv(path);
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
        catch (WorkbookLimitException e)
        {
            problem = new(e.Message, e.Limit);
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            problem = new(format == FileFormat.Xlsx
                ? "The file looks like a zip but is not a readable .xlsx workbook."
                : $"The file cannot be read as CSV: {Truncate(e.Message, 200)}");
            return null;
        }
    }

    private static int UserIdColumn(string[] header) => Array.FindIndex(header, h => UserIdHeaders.Contains(Normalize(h)));

    private static (string[]? Header, bool HasRow) InspectCsv(string path)
    {
        using var records = CsvRecords(path).GetEnumerator();
        if (!records.MoveNext()) return (null, false);
        var header = records.Current.Item2;
        while (records.MoveNext())
        {
            if (!IsBlank(records.Current.Item2)) return (header, true);
        }
        return (header, false);
    }

    /// <summary>The recipient rows after the header, blank records skipped (their row numbers are not reused).</summary>
    public static IEnumerable<RecipientRow> Rows(string path, FileLayout layout, WorkbookLimits limits)
    {
        using var records = Guard(layout.Format == FileFormat.Xlsx ? XlsxRecipients.Records(path, limits) : CsvRecords(path)).GetEnumerator();
        if (!records.MoveNext()) yield break; // the header
        while (records.MoveNext())
        {
            var (number, cells) = records.Current;
            if (IsBlank(cells)) continue;
            yield return new RecipientRow(number, layout.UserIdColumn < cells.Length ? cells[layout.UserIdColumn] : "");
        }
    }

    private static IEnumerable<(long Number, string[] Cells)> Guard(IEnumerable<(long, string[])> records)
    {
        using var e = records.GetEnumerator();
        while (true)
        {
            bool more;
            try
            {
                more = e.MoveNext();
            }
            catch (Exception error) when (error is not (UnreadableFileException or OutOfMemoryException or OperationCanceledException))
            {
                throw new UnreadableFileException($"The file cannot be read past this point: {Truncate(error.Message, 200)}", error);
            }
            if (!more) yield break;
            yield return e.Current;
        }
    }

    private static IEnumerable<(long, string[])> CsvRecords(string path)
    {
        using var text = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        using var csv = CsvDataReader.Create(text, new CsvDataReaderOptions { HasHeaders = true, MaxBufferSize = MaxRecordBytes });
        yield return (1, Enumerable.Range(0, csv.FieldCount).Select(csv.GetName).ToArray());
        long number = 1;
        while (csv.Read())
        {
            number++;
            var cells = new string[csv.RowFieldCount];
            for (var i = 0; i < cells.Length; i++) cells[i] = csv.GetString(i);
            yield return (number, cells);
        }
    }

    private static bool IsBlank(string[] cells) => cells.All(string.IsNullOrWhiteSpace);

    private static string Normalize(string header) =>
        new(header.Trim().TrimStart('\uFEFF').ToLowerInvariant().Where(c => c is not (' ' or '_' or '-')).ToArray());

    public static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
