using System.Globalization;
using System.Text;

namespace PromotionEngine.Tabular.Xlsx;

/// <summary>A cell as stored: its text (&lt;v&gt; or the inline string), type (t) and format (s) attributes.</summary>
internal readonly record struct StoredCell(string? Text, string? Type, string? Style);

/// <summary>
/// The rows of a worksheet part, streaming, one record at a time, numbered as the sheet numbers them. Numbering follows
/// MiniExcel's (the reader before): a row's r attribute gives its number, rows left out in between count (as blank
/// records, which readers skip), rows without r follow the previous one. Cells take their column from their reference
/// (r="C7"), or follow the previous cell; cells past <see cref="WorkbookLimits.MaxColumns"/> are walked past, not kept.
/// </summary>
internal sealed class SheetRecords(PartReader part)
{
    private const int MaxColumn = 16_384; // XFD, Excel's last column
    private readonly StoredCell[] _cells = new StoredCell[WorkbookLimits.MaxColumns];
    private readonly StringBuilder _text = new();
    private int _width;

    /// <summary>The width the sheet's &lt;dimension&gt; declares (0 when none), read before its first row.</summary>
    public int DeclaredWidth { get; private set; }

    /// <summary>Each record: its number and its cells up to the last one kept (a blank record has none).</summary>
    public IEnumerable<(long Number, StoredCell[] Cells)> Read()
    {
        if (!part.ReadRoot() || !part.IsStart("worksheet")) yield break;
        var xml = part.Xml;
        var depth = xml.Depth;
        long rowIndex = -1, number = 0; // rowIndex: the last row's 0-based r; number: the records so far
        var first = true;
        var sawCell = false;
        while (part.Read())
        {
            if (xml.NodeType == System.Xml.XmlNodeType.EndElement && xml.Depth == depth) yield break;
            if (xml.NodeType != System.Xml.XmlNodeType.Element || xml.Depth != depth + 1) continue;
            if (part.IsStart("dimension") && !sawCell)
            {
                DeclaredWidth = Width(xml.GetAttribute("ref"));
                continue;
            }
            if (!part.IsStart("sheetData"))
            {
                part.Skip();
                continue;
            }
            if (xml.IsEmptyElement) continue;
            var rowsDepth = xml.Depth;
            while (part.Read())
            {
                if (xml.NodeType == System.Xml.XmlNodeType.EndElement && xml.Depth == rowsDepth) break;
                if (xml.NodeType != System.Xml.XmlNodeType.Element || xml.Depth != rowsDepth + 1) continue;
                if (!part.IsStart("row"))
                {
                    part.Skip();
                    continue;
                }
                var next = rowIndex + 1;
                rowIndex = RowIndex(xml.GetAttribute("r"), rowIndex);
                var expected = first ? 0 : next;
                if (expected < rowIndex)
                {
                    // Rows left out: blank records. Only the first matters as a record (it is the header); the rest only count.
                    if (first) yield return (1, []);
                    number += rowIndex - expected;
                    first = false;
                }
                if (xml.IsEmptyElement)
                {
                    first = false;
                    yield return (++number, []);
                    continue;
                }
                first = false;
                var width = Cells();
                sawCell = true;
                yield return (++number, _cells[..width]);
            }
        }
    }

    /// <summary>
    /// The row's 0-based index from its <c>r</c> attribute; without one, the row after <paramref name="previous"/>. Row numbers
    /// past Excel's 1 048 576 are read (MiniExcel writes 5 000 000 rows in one sheet); anything else that is not a positive
    /// number makes the sheet unreadable, as before.
    /// </summary>
    private static long RowIndex(string? r, long previous) =>
        r is null ? previous + 1
        : int.TryParse(r, NumberStyles.None, CultureInfo.InvariantCulture, out var given) && given >= 1 ? given - 1
        : throw new InvalidDataException($"Row number '{Truncate(r)}' is not a row number.");

    /// <summary>Reads the row's cells into <see cref="_cells"/>; returns how many columns the row reaches.</summary>
    private int Cells()
    {
        Array.Clear(_cells, 0, _width); // the previous row's cells
        var width = 0;
        long column = -1;
        var rowChars = 0;
        var xml = part.Xml;
        part.Children(() =>
        {
            if (!part.IsStart("c")) return;
            var reference = xml.GetAttribute("r");
            if (Column(reference, out var at)) column = at;
            else if (string.IsNullOrWhiteSpace(reference)) column++; // no reference: the next column
            else if (at >= MaxColumn) throw new InvalidDataException($"Cell reference '{Truncate(reference)}' is past Excel's last column.");
            else column = Math.Max(column, 0); // a reference that is not one: as before, the previous cell's column (A at first)
            if (column >= WorkbookLimits.MaxColumns) return; // walked past, not kept
            var (type, style) = (xml.GetAttribute("t"), xml.GetAttribute("s"));
            string? text = null;
            part.Children(() =>
            {
                var value = part.IsStart("v");
                if (!value && !part.IsStart("is")) return;
                _text.Clear();
                if (value) part.AppendText(_text, WorkbookLimits.MaxCellChars, () => SharedStrings.TooLong("A cell"));
                else SharedStrings.StringItem(part, _text, () => SharedStrings.TooLong("A cell"));
                if (_text.Length == 0) return; // an empty value leaves the cell as it was
                rowChars += _text.Length;
                if (rowChars > WorkbookLimits.MaxRowChars) throw TooLongRow();
                text = _text.ToString();
            });
            _cells[column] = new StoredCell(text, type, style);
            width = Math.Max(width, (int)column + 1);
        });
        return _width = width;
    }

    public static WorkbookLimitException TooLongRow() =>
        new(WorkbookLimit.RowLength, $"A row holds more than {WorkbookLimits.MaxRowChars} characters, the most read for one row.");

    /// <summary>
    /// The column of a reference such as "C7" (0-based): letters (either case) up to XFD, then a row number (1 or more,
    /// past Excel's last row too). False when it is not one; <paramref name="column"/> is then past XFD if the letters were.
    /// </summary>
    public static bool Column(string? reference, out long column)
    {
        column = -1;
        if (string.IsNullOrWhiteSpace(reference)) return false;
        long letters = 0;
        var i = 0;
        for (; i < reference.Length; i++)
        {
            var c = char.ToUpperInvariant(reference[i]);
            if (c is < 'A' or > 'Z') break;
            letters = letters * 26 + (c - 'A' + 1);
            if (letters > MaxColumn)
            {
                column = letters - 1;
                return false;
            }
        }
        if (i == 0 || i == reference.Length) return false;
        long row = 0;
        for (; i < reference.Length; i++)
        {
            if (reference[i] is < '0' or > '9') return false;
            row = row * 10 + (reference[i] - '0');
            if (row > int.MaxValue) return false;
        }
        if (row < 1) return false;
        column = letters - 1;
        return true;
    }

    private static string Truncate(string text) => text.Length <= 20 ? text : text[..20];

    private static int Width(string? reference)
    {
        var last = reference?.Split(':')[^1];
        return Column(last, out var column) ? (int)Math.Min(column + 1, WorkbookLimits.MaxColumns) : 0;
    }
}
