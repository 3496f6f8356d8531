using System.Globalization;
using System.Text;
using MiniExcelLibs;
using PromotionEngine.Distribution.Tasks;
using Sylvan.Data.Csv;

namespace PromotionEngine.Distribution.Recipients;

/// <summary>One record of a recipients file: its row number (the header is row 1) and the user id cell as read.</summary>
internal readonly record struct RecipientRow(long RowNumber, string Raw);

/// <summary>A file accepted at upload: its format and the 0-based column holding the user id.</summary>
internal sealed record FileLayout(FileFormat Format, int UserIdColumn);

/// <summary>The file cannot be read as a recipients file (after it was accepted: garbage further in).</summary>
internal sealed class UnreadableFileException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads recipients files streaming, one record at a time, whatever their size: CSV (UTF-8, a header row,
/// the delimiter detected from it) with Sylvan, .xlsx (the first sheet, its first row the header) with
/// MiniExcel. A record larger than <see cref="MaxRecordBytes"/> makes the file unreadable rather than
/// growing a buffer without bound.
/// </summary>
internal static class RecipientFile
{
    public const int MaxRecordBytes = 1024 * 1024;
    private static readonly string[] UserIdHeaders = ["userid", "uid"];

    /// <summary>
    /// Decides at upload whether the file can be a recipients file: its format (a zip is .xlsx, anything
    /// else CSV), a header with a user id column, at least one row. Returns the layout, or why not.
    /// </summary>
    public static FileLayout? Inspect(string path, out string? problem)
    {
        problem = null;
        var head = new byte[8192];
        int read;
        using (var probe = File.OpenRead(path)) read = probe.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (read == 0)
        {
            problem = "The file is empty.";
            return null;
        }
        var format = read >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4 ? FileFormat.Xlsx : FileFormat.Csv;
        var utf16 = read >= 2 && ((head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF));
        if (format == FileFormat.Csv && !utf16 && head.AsSpan(0, read).Contains((byte)0))
        {
            problem = "The file is neither a CSV text file nor an .xlsx workbook (it holds binary data).";
            return null;
        }
        try
        {
            using var records = Records(path, format).GetEnumerator();
            if (!records.MoveNext())
            {
                problem = "The file has no header row.";
                return null;
            }
            var header = records.Current.Cells;
            var column = Array.FindIndex(header, h => UserIdHeaders.Contains(Normalize(h)));
            if (column < 0)
            {
                var seen = string.Join(", ", header.Take(10).Select(h => $"'{Truncate(h, 40)}'"));
                problem = $"The header row has no user id column (name it userId, user_id or uid); it has: {seen}.";
                return null;
            }
            while (records.MoveNext())
            {
                if (!IsBlank(records.Current.Cells)) return new FileLayout(format, column);
            }
            problem = "The file has a header row but no recipient rows.";
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            problem = format == FileFormat.Xlsx
                ? "The file looks like a zip but is not a readable .xlsx workbook."
                : $"The file cannot be read as CSV: {Truncate(e.Message, 200)}";
            return null;
        }
    }

    /// <summary>The recipient rows after the header, blank records skipped (their row numbers are not reused).</summary>
    public static IEnumerable<RecipientRow> Rows(string path, FileLayout layout)
    {
        using var records = Guard(Records(path, layout.Format)).GetEnumerator();
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
            catch (Exception error) when (error is not (OutOfMemoryException or OperationCanceledException))
            {
                throw new UnreadableFileException($"The file cannot be read past this point: {Truncate(error.Message, 200)}", error);
            }
            if (!more) yield break;
            yield return e.Current;
        }
    }

    private static IEnumerable<(long Number, string[] Cells)> Records(string path, FileFormat format) =>
        format == FileFormat.Xlsx ? XlsxRecords(path) : CsvRecords(path);

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

    private static IEnumerable<(long, string[])> XlsxRecords(string path)
    {
        using var stream = File.OpenRead(path);
        long number = 0;
        foreach (IDictionary<string, object?> row in MiniExcel.Query(stream, useHeaderRow: false, excelType: ExcelType.XLSX))
        {
            number++;
            yield return (number, row.Values.Select(Text).ToArray());
        }
    }

    /// <summary>A cell as the merchant sees it: whole numbers without a decimal point or exponent.</summary>
    private static string Text(object? cell) => cell switch
    {
        null => "",
        string s => s,
        double d when d == Math.Floor(d) && Math.Abs(d) < 1e17 => ((long)d).ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? "",
    };

    private static bool IsBlank(string[] cells) => cells.All(string.IsNullOrWhiteSpace);

    private static string Normalize(string header) =>
        new(header.Trim().TrimStart('\uFEFF').ToLowerInvariant().Where(c => c is not (' ' or '_' or '-')).ToArray());

    public static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
