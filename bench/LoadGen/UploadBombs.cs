using System.Globalization;
using System.IO.Compression;
using System.Text;

/// <summary>
/// The recipients files of bench/upload-bombs.sh, written streaming: three workbooks made to exhaust the server and one
/// honest workbook at the row limit.
/// </summary>
internal static class UploadBombs
{
    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    public static int Write(string folder, int honestRows)
    {
        Directory.CreateDirectory(folder);
        // A 400 MB header cell (next to a real userId column) in a few hundred KB.
        Workbook(Path.Combine(folder, "header-cell.xlsx"), w =>
        {
            w.Write("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>");
            Repeat(w, 'x', 400L * 1024 * 1024);
            w.Write("</t></is></c><c r=\"B1\" t=\"inlineStr\"><is><t>userId</t></is></c></row><row r=\"2\"><c r=\"B2\"><v>1001</v></c></row>");
        });
        // 1.5 GB of whitespace after "userId" in the header cell (a header that trims to userId) in about 1.5 MB.
        Workbook(Path.Combine(folder, "whitespace.xlsx"), w =>
        {
            w.Write("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t xml:space=\"preserve\">userId");
            Repeat(w, ' ', 1536L * 1024 * 1024);
            w.Write("</t></is></c></row><row r=\"2\"><c r=\"A2\"><v>1001</v></c></row>");
        });
        // 200 000 rows using only column XFD, Excel's last.
        Workbook(Path.Combine(folder, "xfd.xlsx"), w =>
        {
            w.Write("<row r=\"1\"><c r=\"XFD1\" t=\"inlineStr\"><is><t>userId</t></is></c></row>");
            for (var row = 2; row <= 200_001; row++) w.Write($"<row r=\"{row}\"><c r=\"XFD{row}\"><v>{row}</v></c></row>");
        });
        // An honest single-column workbook at the row limit, as MiniExcel writes one (Excel stops at 1 048 576 rows): the
        // header and the ids as strings, no dimension.
        Workbook(Path.Combine(folder, "honest.xlsx"), w =>
        {
            w.Write("<row r=\"1\"><c r=\"A1\" t=\"str\"><v>userId</v></c></row>");
            for (var row = 2; row <= honestRows + 1; row++)
                w.Write(string.Create(
                    CultureInfo.InvariantCulture,
                    $"<row r=\"{row}\"><c r=\"A{row}\" t=\"str\"><v>{13_800_000_000L + row * 7L}</v></c></row>"));
        });
        foreach (var file in Directory.GetFiles(folder, "*.xlsx").Order()) Console.WriteLine(
            $"{Path.GetFileName(file)} {new FileInfo(file).Length} bytes");
        return 0;
    }

    private static void Workbook(string path, Action<TextWriter> rows)
    {
        using var file = File.Create(path);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        Part(zip, "[Content_Types].xml", w => w
            .Write("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">" +
                "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>"));
        Part(zip, "xl/workbook.xml", w => w
            .Write($"<workbook xmlns=\"{Main}\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">" +
                "<sheets><sheet name=\"Recipients\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"));
        Part(zip, "xl/_rels/workbook.xml.rels", w => w.Write(
            "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" +
            "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" " +
            "Target=\"worksheets/sheet1.xml\"/></Relationships>"));
        Part(zip, "xl/worksheets/sheet1.xml", w =>
        {
            w.Write($"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><worksheet xmlns=\"{Main}\"><sheetData>");
            rows(w);
            w.Write("</sheetData></worksheet>");
        });
    }

    private static void Part(ZipArchive zip, string name, Action<TextWriter> write)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name, CompressionLevel.Optimal).Open(), new UTF8Encoding(false), 1 << 16);
        write(writer);
    }

    private static void Repeat(TextWriter w, char c, long count)
    {
        var block = new string(c, 1 << 20).ToCharArray();
        for (var left = count; left > 0; left -= block.Length) w.Write(block, 0, (int)Math.Min(block.Length, left));
    }
}
