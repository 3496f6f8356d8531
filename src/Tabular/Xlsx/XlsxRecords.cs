using System.IO.Compression;

namespace PromotionEngine.Tabular.Xlsx;

/// <summary>
/// Reads a workbook (.xlsx: its first sheet, the first row the header) with System.IO.Compression and
/// XmlReader, streaming and within <see cref="WorkbookLimits"/>: whatever a file holds, the reading stops at the first
/// budget it passes and never holds more than a row. At upload only the header's shared strings are kept; the import
/// keeps them all on disk beside the workbook.
/// </summary>
internal static class XlsxRecords
{
    private const string RelationshipsNamespace = "http://schemas.openxmlformats.org/package/2006/relationships";
    private static readonly string[] RelationshipNamespaces =
        ["http://schemas.openxmlformats.org/officeDocument/2006/relationships", "http://purl.oclc.org/ooxml/officeDocument/relationships"];

    /// <summary>
    /// The header record's cells, and whether a non-blank record follows it (looked for only when <paramref name="usable"/>
    /// accepts the header); a null header: the sheet has no rows.
    /// </summary>
    public static (string[]? Header, bool HasRow) Inspect(string path, WorkbookLimits limits, Func<string[], bool> usable)
    {
        using var package = XlsxPackage.Open(path, limits);
        var sheet = FirstSheet(package);
        var formats = NumberFormats(package);

        // The header first, as stored, to know which shared strings to keep; then the strings; then the header and the rows.
        var headerStrings = new HashSet<int>();
        using (var part = package.Read(sheet))
        {
            foreach (var (number, cells) in new SheetRecords(part).Read())
            {
                if (number != 1) break;
                foreach (var cell in cells)
                {
                    if (cell.Type == "s" && int.TryParse(
                        cell.Text, System.Globalization.NumberStyles.Any, System.Globalization.CultureInfo.InvariantCulture, out var index))
                        headerStrings.Add(index);
                }
                break;
            }
        }
        ISharedStrings? strings = null;
        if (package.Find("xl/sharedStrings.xml") is { } shared)
        {
            using var part = package.Read(shared, keepWhitespace: true);
            strings = SharedStringBlanks.Read(part, limits, headerStrings);
        }

        var values = new CellValues(strings, formats);
        using (var part = package.Read(sheet))
        {
            var records = new SheetRecords(part);
            string[]? header = null;
            foreach (var (number, cells) in records.Read())
            {
                var texts = Texts(values, cells);
                if (header is null)
                {
                    header = texts.Length >= records.DeclaredWidth
                        ? texts
                        : [.. texts, .. Enumerable.Repeat("", records.DeclaredWidth - texts.Length)];
                    if (!usable(header)) return (header, false);
                    continue;
                }
                if (!texts.All(string.IsNullOrWhiteSpace)) return (header, true);
            }
            return (header, false);
        }
    }

    /// <summary>
    /// Every record of the first sheet (the header is record 1), numbered as the sheet numbers them; blank records may
    /// be left out.
    /// </summary>
    public static IEnumerable<(long Number, string[] Cells)> Records(string path, WorkbookLimits limits)
    {
        using var package = XlsxPackage.Open(path, limits);
        var sheet = FirstSheet(package);
        var formats = NumberFormats(package);
        SharedStringTable? table = null;
        try
        {
            if (package.Find("xl/sharedStrings.xml") is { } shared)
            {
                using var part = package.Read(shared, keepWhitespace: true);
                table = SharedStringTable.Build(part, limits, path);
            }
            var values = new CellValues(table, formats);
            using var rows = package.Read(sheet);
            foreach (var (number, cells) in new SheetRecords(rows).Read()) yield return (number, Texts(values, cells));
        }
        finally
        {
            table?.Dispose();
        }
    }

    private static string[] Texts(CellValues values, StoredCell[] cells)
    {
        var texts = new string[cells.Length];
        var chars = 0;
        for (var i = 0; i < cells.Length; i++)
        {
            var cell = cells[i];
            texts[i] = cell == default ? "" : CellValues.Text(values.Value(cell.Text, cell.Type, cell.Style));
            chars += texts[i].Length;
            if (chars > WorkbookLimits.MaxRowChars) throw SheetRecords.TooLongRow();
        }
        return texts;
    }

    private static List<NumberKind>? NumberFormats(XlsxPackage package)
    {
        if (package.Find("xl/styles.xml") is not { } styles) return null;
        using var part = package.Read(styles);
        return CellValues.ReadNumberFormats(part);
    }

    /// <summary>
    /// The sheet read: the only worksheet part, or, when there are several, the first sheet the workbook lists (through
    /// its relationships), as before.
    /// </summary>
    private static ZipArchiveEntry FirstSheet(XlsxPackage package)
    {
        var sheets = package.Entries.Where(e => e.FullName.StartsWith("xl/worksheets/sheet", StringComparison.OrdinalIgnoreCase)
            || e.FullName.StartsWith("/xl/worksheets/sheet", StringComparison.OrdinalIgnoreCase)).Take(2).ToList();
        if (sheets.Count == 0) throw new InvalidDataException("The workbook has no worksheet.");
        if (sheets.Count == 1) return sheets[0];

        var id = FirstSheetRelationship(package) ?? throw new InvalidDataException("The workbook lists no sheet.");
        var target = SheetTarget(package, id) ?? throw new InvalidDataException("The workbook's first sheet has no part.");
        return package.Entries
            .FirstOrDefault(e => e.FullName == $"xl/{target}" || e.FullName == $"/xl/{target}" || e.FullName.TrimStart('/') == target.TrimStart('/'))
            ?? throw new InvalidDataException($"The workbook's first sheet ({target}) is missing.");
    }

    private static string? FirstSheetRelationship(XlsxPackage package)
    {
        var entry = package.Find("xl/workbook.xml") ?? throw new InvalidDataException("The workbook has no xl/workbook.xml.");
        using var part = package.Read(entry);
        if (!part.ReadRoot() || !part.IsStart("workbook")) return null;
        string? id = null;
        part.Children(() =>
        {
            if (id is not null || !part.IsStart("sheets")) return;
            part.Children(() =>
            {
                if (id is not null || !part.IsStart("sheet")) return;
                id = RelationshipNamespaces.Select(ns => part.Xml.GetAttribute("id", ns)).FirstOrDefault(v => v is not null) ?? "";
            });
        });
        return id;
    }

    private static string? SheetTarget(XlsxPackage package, string id)
    {
        var entry = package.Find("xl/_rels/workbook.xml.rels") ?? throw new InvalidDataException("The workbook has no xl/_rels/workbook.xml.rels.");
        using var part = package.Read(entry);
        if (!part.ReadRoot() || part.Xml.LocalName != "Relationships" || part.Xml.NamespaceURI != RelationshipsNamespace) return null;
        string? target = null;
        part.Children(() =>
        {
            if (target is null && part.Xml.LocalName == "Relationship" && part.Xml.NamespaceURI == RelationshipsNamespace
                && part.Xml.GetAttribute("Id") == id)
                target = part.Xml.GetAttribute("Target");
        });
        return target;
    }
}
