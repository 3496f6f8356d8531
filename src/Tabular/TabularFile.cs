using System.Text;
using PromotionEngine.Tabular.Xlsx;
using Sylvan.Data.Csv;

namespace PromotionEngine.Tabular;

internal enum FileFormat
{
    Csv,
    Xlsx,
}

/// <summary>The file cannot be read as the table it should be (after it was accepted: garbage further in).</summary>
internal class UnreadableFileException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Why a file cannot be read as a table: <see cref="Limit"/> set when a reading budget was passed (<see cref="WorkbookLimits"/>).
/// </summary>
internal sealed record FileProblem(string Message, string? Limit = null);

/// <summary>
/// Reads uploaded tables streaming, one record at a time, whatever their size: CSV (UTF-8, a header row, the delimiter detected
/// from it) with Sylvan, .xlsx (the first sheet, its first row the header) with <see cref="XlsxRecords"/>, within
/// <see cref="WorkbookLimits"/>. A record larger than <see cref="MaxRecordBytes"/> makes the file unreadable rather than growing
/// a buffer without bound. What the columns mean is the caller's business.
/// </summary>
internal static class TabularFile
{
    public const int MaxRecordBytes = 1024 * 1024;

    /// <summary>
    /// The file's format (a zip is .xlsx, anything else CSV), or null and why not: empty, or binary that is not a zip.
    /// </summary>
    public static FileFormat? Sniff(string path, out FileProblem? problem)
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
        return format;
    }

    /// <summary>
    /// The header record's cells, and whether a non-blank record follows it (looked for only when <paramref name="usable"/>
    /// accepts the header); a null header: the file has no records. Throws what the reading meets (the caller decides).
    /// </summary>
    public static (string[]? Header, bool HasRow) InspectHeader(string path, FileFormat format, WorkbookLimits limits, Func<string[], bool> usable)
    {
        if (format == FileFormat.Xlsx) return XlsxRecords.Inspect(path, limits, usable);
        using var records = CsvRecords(path).GetEnumerator();
        if (!records.MoveNext()) return (null, false);
        var header = records.Current.Cells;
        if (!usable(header)) return (header, false);
        while (records.MoveNext())
        {
            if (!IsBlank(records.Current.Cells)) return (header, true);
        }
        return (header, false);
    }

    /// <summary>What a file that cannot be read at upload gets said about it.</summary>
    public static FileProblem Unreadable(FileFormat format, Exception e) => e is WorkbookLimitException limit
        ? new(limit.Message, limit.Limit)
        : new(format == FileFormat.Xlsx
            ? "The file looks like a zip but is not a readable .xlsx workbook."
            : $"The file cannot be read as CSV: {Truncate(e.Message, 200)}");

    /// <summary>
    /// Every record (the header is record 1), numbered as the file numbers them; a failure past the start is an
    /// <see cref="UnreadableFileException"/>.
    /// </summary>
    public static IEnumerable<(long Number, string[] Cells)> Records(string path, FileFormat format, WorkbookLimits limits) =>
        Guard(format == FileFormat.Xlsx ? XlsxRecords.Records(path, limits) : CsvRecords(path));

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

    private static IEnumerable<(long Number, string[] Cells)> CsvRecords(string path)
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

    public static bool IsBlank(string[] cells) => cells.All(string.IsNullOrWhiteSpace);

    /// <summary>A header cell compared loosely: trimmed, lower case, without a BOM, spaces, underscores or dashes.</summary>
    public static string NormalizeHeader(string header) =>
        new(header.Trim().TrimStart('\uFEFF').ToLowerInvariant().Where(c => c is not (' ' or '_' or '-')).ToArray());

    public static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
