using System.Globalization;
using System.Security;
using MiniExcelLibs;
using PromotionEngine.Distribution.Recipients;
using PromotionEngine.Tabular;
using PromotionEngine.Tabular.Xlsx;

namespace PromotionEngine.Distribution.Tests;

/// <summary>
/// The bounded workbook reader shows the merchant what MiniExcel, the reader before it, showed: the same records with
/// the same row numbers and the same cell texts (numbers, booleans, dates, shared and inline strings, escapes, gaps,
/// styles). MiniExcel is the oracle: each workbook is read by both and compared record by record (blank records aside:
/// no reader of records keeps them).
/// </summary>
public sealed class WorkbooksReadAsBefore : IDisposable
{
    private static readonly WorkbookLimits Limits = WorkbookLimits.For(new DistributionOptions());
    private const string Styles = "<numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"yyyy-mm-dd\"/></numFmts><cellXfs count=\"8\">" +
        "<xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"22\"/><xf numFmtId=\"21\"/><xf numFmtId=\"164\"/><xf numFmtId=\"49\"/>" +
        "<xf numFmtId=\"58\"/><xf numFmtId=\"1\"/></cellXfs>";
    private readonly List<string> _files = [];

    public void Dispose()
    {
        foreach (var f in _files) File.Delete(f);
    }

    public static TheoryData<string> Cases() => [.. Workbook.Keys];

    private static readonly Dictionary<string, Func<byte[]>> Workbook = new()
    {
        ["written by MiniExcel"] = () =>
        {
            using var stream = new MemoryStream();
            stream.SaveAs(new[]
            {
                new Dictionary<string, object?>
                {
                    ["userId"] = "1001", ["score"] = 12.5, ["vip"] = true, ["joined"] = new DateTime(2024, 1, 2, 3, 4, 5), ["note"] = "a_x0041_b",
                },
                new Dictionary<string, object?> { ["userId"] = 1002L, ["score"] = 1e20, ["vip"] = false, ["joined"] = null, ["note"] = " padded " },
                new Dictionary<string, object?>
                {
                    ["userId"] = 1003d, ["score"] = -0.25, ["vip"] = null, ["joined"] = new DateTime(1999, 12, 31), ["note"] = "中文 & <xml>",
                },
                new Dictionary<string, object?> { ["userId"] = null, ["score"] = null, ["vip"] = null, ["joined"] = null, ["note"] = null },
                new Dictionary<string, object?>
                {
                    ["userId"] = "9223372036854775807", ["score"] = 3, ["vip"] = true, ["joined"] = null, ["note"] = "",
                },
            }, excelType: ExcelType.XLSX);
            return stream.ToArray();
        },
        ["shared strings, rich text and escapes"] = () => Workbooks.Of(
            "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"C1\" t=\"s\"><v>2</v></c></row>" +
            "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>3</v></c><c r=\"B2\" t=\"s\"><v>4</v></c><c r=\"C2\" t=\"s\"><v> 5 </v></c>" +
            "<c r=\"D2\" t=\"s\"><v>99</v></c><c r=\"E2\" t=\"s\"><v>-1</v></c><c r=\"F2\" t=\"s\"><v>x</v></c></row>" +
            "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>6</v></c><c r=\"B3\" t=\"s\"><v>7</v></c><c r=\"C3\" t=\"s\"><v>3</v></c></row>",
            "<si><t>User_ID</t></si><si><t>x_x0041_y</t></si><si><t>_X0041_</t></si><si><t>1001</t></si>" +
            "<si><r><t>ri</t></r><r><rPr><b/></rPr><t>ch</t></r><rPh sb=\"0\" eb=\"1\"><t>PHONETIC</t></rPh></si>" +
            "<si><t xml:space=\"preserve\"> 1002 </t></si><si><t/></si><si><t>_x0020_</t></si>"),
        ["types, formulas, CDATA and entities"] = () => Workbooks.Of(
            "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>uid</t></is></c><c r=\"B1\" t=\"str\"><v>b</v></c>" +
            "<c r=\"C1\" t=\"inlineStr\"><is><t>c</t></is></c></row>" +
            "<row r=\"2\"><c r=\"A2\" t=\"b\"><v>1</v></c><c r=\"B2\" t=\"b\"><v>0</v></c><c r=\"C2\" t=\"d\"><v>2024-01-02</v></c>" +
            "<c r=\"D2\" t=\"d\"><v>2024-01-02T10:00:00</v></c><c r=\"E2\" t=\"e\"><v>#N/A</v></c><c r=\"F2\"><v>1.5E+3</v></c>" +
            "<c r=\"G2\"><v>abc</v></c><c r=\"H2\"><v>12345678901234567890</v></c><c r=\"I2\" t=\"n\"><v> 42 </v></c><c r=\"J2\"><v></v></c>" +
            "<c r=\"K2\"><f>1+1</f><v>2</v></c><c r=\"L2\" t=\"str\"><v><![CDATA[<&>]]></v></c><c r=\"M2\" t=\"str\"><v>&amp;&#x41;&lt;</v></c>" +
            "</row>" +
            "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t> </t></is></c>" +
            "<c r=\"B3\" t=\"inlineStr\"><is><t xml:space=\"preserve\"> </t></is></c><c r=\"C3\" t=\"str\"><v> 7 </v></c><c r=\"D3\"><v>1</v></c>" +
            "<c r=\"D3\"/><c r=\"E3\"><v>0.1</v></c><c r=\"F3\"><v>-0</v></c><c r=\"G3\"><v>1e17</v></c><c r=\"H3\"><v>99999999999999990</v></c>" +
            "</row>"),
        ["gaps, rows out of order and rows without a number"] = () => Workbooks.Of(
            "<row r=\"1\"><c r=\"B1\" t=\"inlineStr\"><is><t>userId</t></is></c></row>" +
            "<row r=\"4\"><c r=\"B4\"><v>4</v></c></row>" +
            "<row r=\"7\"><c r=\"A7\"><v>7</v></c></row>" +
            "<row r=\"5\"><c r=\"B5\"><v>5</v></c></row>" +
            "<row><c r=\"B6\"><v>6</v></c></row>" +
            "<row><c r=\"b1\"><v>0</v></c></row>" +
            "<row r=\"12\"/>" +
            "<row r=\"13\"></row>" +
            "<row r=\"15\"><c r=\"C15\"><v>15</v></c></row>"),
        ["custom number formats"] = () => Workbooks.Of(
            "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>uid</t></is></c></row><row r=\"2\">" +
            string.Concat(CustomFormats.Select((_, i) => $"<c s=\"{i}\"><v>45292.5</v></c>")) + "</row>",
            styles: "<numFmts>" + string.Concat(
                CustomFormats.Select((code, i) => $"<numFmt numFmtId=\"{164 + i}\" formatCode=\"{SecurityElement.Escape(code)}\"/>")) +
                "<numFmt numFmtId=\"164\" formatCode=\"0.00\"/><numFmt numFmtId=\"14\" formatCode=\"0.00\"/></numFmts><cellXfs>" +
                string.Concat(CustomFormats.Select((_, i) => $"<xf numFmtId=\"{164 + i}\"/>")) + "</cellXfs>"),
        ["references in either case and references that are none"] = () => Workbooks.Of(
            "<row r=\"1\"><c r=\"a1\" t=\"inlineStr\"><is><t>uid</t></is></c><c r=\"c1\"><v>3</v></c></row>" +
            "<row r=\"2\"><c r=\"A0\"><v>1</v></c><c r=\"B2\"><v>2</v></c><c r=\"Z\"><v>3</v></c><c r=\"7\"><v>4</v></c><c r=\"D2\"><v>5</v></c>" +
            "<c r=\"E2x\"><v>6</v></c></row>"),
        ["blank and padded shared strings, pretty-printed"] = () => Workbooks.Of(
            "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>" +
            "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>1</v></c><c r=\"B2\" t=\"s\"><v>2</v></c><c r=\"C2\" t=\"s\"><v>3</v></c></row>",
            "\n" +
            "  <si>\n" +
            "    <t>userId</t>\n" +
            "  </si>\n" +
            "  <si><t> </t></si>\n" +
            "  <si><t xml:space=\"preserve\"> 1001 </t></si>\n" +
            "  <si>\n" +
            "    <r><t>10</t></r>\n" +
            "    <r><t>02</t></r>\n" +
            "  </si>\n"),
        ["leading blank rows make a blank header"] = () => Workbooks.Of(
            "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>userId</t></is></c></row><row r=\"4\"><c r=\"A4\"><v>4</v></c></row>"),
        ["cells without references and no dimension"] = () => Workbooks.Of(
            "<row><c t=\"inlineStr\"><is><t>name</t></is></c><c t=\"inlineStr\"><is><t>uid</t></is></c></row>" +
            "<row><c><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>"),
        ["a declared dimension"] = () => Workbooks.Of(
            "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>uid</t></is></c></row><row r=\"2\"><c r=\"A2\"><v>5</v></c></row>",
            dimension: "A1:D2"),
        ["date, time and text formats"] = () => Workbooks.Of(
            "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\" s=\"1\"><is><t>uid</t></is></c></row>" +
            "<row r=\"2\"><c r=\"A2\" s=\"1\"><v>45292.25</v></c><c r=\"B2\" s=\"2\"><v>45292.5</v></c><c r=\"C2\" s=\"3\"><v>0.75</v></c>" +
            "<c r=\"D2\" s=\"4\"><v>45292</v></c><c r=\"E2\" s=\"5\"><v>1001</v></c><c r=\"F2\" s=\"6\"><v>3</v></c>" +
            "<c r=\"G2\" s=\"7\"><v>1001</v></c><c r=\"H2\" s=\"1\" t=\"str\"><v>45292</v></c><c r=\"I2\" s=\"1\" t=\"b\"><v>1</v></c>" +
            "<c r=\"J2\" s=\"1\"><v>1e20</v></c><c r=\"K2\" s=\" 1\"><v>-5</v></c><c r=\"L2\" s=\"x\"><v>7</v></c>" +
            "<c r=\"M2\" s=\"99\"><v>8</v></c><c r=\"N2\" s=\"1\"/></row>", styles: Styles),
        ["the strict namespace"] = () =>
        {
            using var memory = new MemoryStream();
            Workbooks.Write(memory, w => w.Write(
                "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>userId</t></is></c></row><row r=\"2\"><c r=\"A2\"><v>1</v></c></row>"),
                worksheetOpen: $"<worksheet xmlns=\"{Workbooks.Strict}\">");
            return memory.ToArray();
        },
        ["a namespace prefix"] = () =>
        {
            using var memory = new MemoryStream();
            Workbooks.Write(memory, w => w.Write(
                "<x:row r=\"1\"><x:c r=\"A1\" t=\"inlineStr\"><x:is><x:t>userId</x:t></x:is></x:c></x:row>" +
                "<x:row r=\"2\"><x:c r=\"A2\"><x:v>1</x:v></x:c></x:row>"),
                worksheetOpen: $"<worksheet xmlns=\"{Workbooks.Main}\" xmlns:x=\"{Workbooks.Main}\">");
            return memory.ToArray();
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_workbook_reads_as_it_did_with_MiniExcel(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), $"as-before-{Guid.NewGuid():N}.xlsx");
        _files.Add(path);
        File.WriteAllBytes(path, Workbook[name]());

        var before = MiniExcelRecords(path);
        var now = XlsxRecords.Records(path, Limits).Select(r => (r.Number, Cells: Trimmed(r.Cells))).ToList();
        Assert.Equal(Significant(before), Significant(now));
        Assert.Equal(before[0].Cells, now[0].Cells); // the header, blank or not
    }

    private static string[] CustomFormats =>
    [
        "yyyy-mm-dd", "0.000", "[Red]0", "\"day\" 0", "mm:ss", "[h]:mm", "yyyy\"年\"m\"月\"d\"日\"", "0_)", "#,##0;[Red]-#,##0", "General", "@", "d",
        "[$-409]mmmm d, yyyy", "#\" m\"", "\\d0", "0;\"dd\"", "h", "AM/PM", "[$-F800]dddd", "0.00E+00", "_(* #,##0_)", "# ?/?", "[hh]", "ss",
        "0\"s\"", "[Blue]#,##0", "yy", "e", "g", "b", "[ss]", "*d0", "_d0", "0;;yyyy", "yyyy;", "\"unclosed", "[unclosed", "Gen", "A/P", "0.0;dd",
        "年",
    ];

    [Theory]
    [InlineData("<row r=\"0\"><c r=\"A1\"><v>1</v></c></row>")]
    [InlineData("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row><row r=\" 5\"><c r=\"A5\"><v>1</v></c></row>")]
    [InlineData("<row r=\"x\"><c r=\"A1\"><v>1</v></c></row>")]
    [InlineData("<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"XFE1\"><v>1</v></c></row>")]
    public void A_workbook_MiniExcel_could_not_read_is_not_read(string rows)
    {
        var path = Path.Combine(Path.GetTempPath(), $"as-before-{Guid.NewGuid():N}.xlsx");
        _files.Add(path);
        File.WriteAllBytes(path, Workbooks.Of(rows));
        Assert.Throws<InvalidDataException>(() => MiniExcelRecords(path));
        Assert.Throws<InvalidDataException>(() => XlsxRecords.Records(path, Limits).ToList());
    }

    [Fact]
    public void Rows_past_excels_last_row_are_read_where_MiniExcel_stopped_so_a_five_million_row_sheet_is_whole()
    {
        var path = Path.Combine(Path.GetTempPath(), $"as-before-{Guid.NewGuid():N}.xlsx");
        _files.Add(path);
        File.WriteAllBytes(path, Workbooks.Of("<row r=\"1\"><c r=\"A1\" t=\"str\"><v>userId</v></c><c r=\"B1\" t=\"str\"><v>note</v></c></row>" +
            "<row r=\"1048576\"><c r=\"A1048576\"><v>7</v></c></row>" +
            "<row r=\"1048577\"><c r=\"A1048577\"><v>8</v></c><c r=\"B1048577\" t=\"str\"><v>x</v></c></row>" +
            "<row><c r=\"A1048578\"><v>9</v></c></row>" +
            "<row r=\"5000001\"><c r=\"A5000001\"><v>10</v></c></row>"));
        Assert.Throws<InvalidDataException>(() => MiniExcelRecords(path));
        Assert.Equal(
            [new RecipientRow(1048576, "7"), new RecipientRow(1048577, "8"), new RecipientRow(1048578, "9"), new RecipientRow(5000001, "10")],
            RecipientFile.Rows(path, new FileLayout(FileFormat.Xlsx, 0), Limits).ToList());
    }

    [Fact]
    public void The_first_sheet_the_workbook_lists_is_read_when_there_are_several()
    {
        var path = Path.Combine(Path.GetTempPath(), $"as-before-{Guid.NewGuid():N}.xlsx");
        _files.Add(path);
        using (var file = File.Create(path))
        using (var zip = new System.IO.Compression.ZipArchive(file, System.IO.Compression.ZipArchiveMode.Create))
        {
            Workbooks.Part(zip, "xl/workbook.xml", w => w
                .Write($"<workbook xmlns=\"{Workbooks.Main}\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">" +
                    "<sheets><sheet name=\"Second\" sheetId=\"2\" r:id=\"rId2\"/><sheet name=\"First\" sheetId=\"1\" r:id=\"rId1\"/></sheets>" +
                    "</workbook>"));
            Workbooks.Part(zip, "xl/_rels/workbook.xml.rels", w => w
                .Write("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" +
                    "<Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Target=\"/xl/worksheets/sheet2.xml\"/>" +
                    "</Relationships>"));
            foreach (var (sheet, id) in new[] { ("sheet1", "111"), ("sheet2", "222") })
                Workbooks.Part(zip, $"xl/worksheets/{sheet}.xml", w => w.Write($"<worksheet xmlns=\"{Workbooks.Main}\"><sheetData>" +
                    "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>uid</t></is></c></row>" +
                    $"<row r=\"2\"><c r=\"A2\"><v>{id}</v></c></row></sheetData></worksheet>"));
        }
        Assert.Equal(
            Significant(MiniExcelRecords(path)),
            Significant(XlsxRecords.Records(path, Limits).Select(r => (r.Number, Trimmed(r.Cells))).ToList()));
        Assert.Equal([new RecipientRow(2, "222")], RecipientFile.Rows(path, new FileLayout(FileFormat.Xlsx, 0), Limits).ToList());
    }

    /// <summary>What the file showed before: MiniExcel's rows, numbered in order, each cell as the merchant sees it.</summary>
    private static List<(long Number, string[] Cells)> MiniExcelRecords(string path)
    {
        using var stream = File.OpenRead(path);
        long number = 0;
        return MiniExcel.Query(stream, useHeaderRow: false, excelType: ExcelType.XLSX).Cast<IDictionary<string, object?>>()
            .Select(row => (++number, Trimmed(row.Values.Select(Text).ToArray()))).ToList();
    }

    private static string Text(object? cell) => cell switch
    {
        null => "",
        string s => s,
        double d when d == Math.Floor(d) && Math.Abs(d) < 1e17 => ((long)d).ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? "",
    };

    private static string[] Trimmed(string[] cells)
    {
        var length = cells.Length;
        while (length > 0 && cells[length - 1].Length == 0) length--;
        return cells[..length];
    }

    private static string Significant(List<(long Number, string[] Cells)> records) => string.Join("\n",
        records.Where((r, i) => i == 0 || r.Cells.Any(c => !string.IsNullOrWhiteSpace(c)))
            .Select(r => $"{r.Number}: [{string.Join(" | ", r.Cells)}]"));
}
