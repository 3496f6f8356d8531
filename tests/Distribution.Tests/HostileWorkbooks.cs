using System.IO.Compression;
using PromotionEngine.Distribution.Recipients;
using PromotionEngine.Tabular;

namespace PromotionEngine.Distribution.Tests;

/// <summary>
/// Workbooks made to exhaust the server (zip bombs, endless cells, rows far to the right, forged zip headers): each is
/// refused at its budget, with the budget named, having allocated a few megabytes at most. Allocation is counted on the
/// reading thread (the readers are synchronous), so memory is asserted, never time.
/// </summary>
public sealed class HostileWorkbooks : IDisposable
{
    private const long FewMegabytes = 16L * 1024 * 1024;
    private static readonly WorkbookLimits Limits = WorkbookLimits.For(new DistributionOptions());
    private readonly List<string> _files = [];

    public void Dispose()
    {
        foreach (var f in _files) File.Delete(f);
    }

    private string NewPath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hostile-{Guid.NewGuid():N}.xlsx");
        _files.Add(path);
        return path;
    }

    private string Workbook(Action<TextWriter> rows, Action<TextWriter>? sharedStrings = null, int padding = 0)
    {
        var path = NewPath();
        using (var file = File.Create(path)) Workbooks.Write(file, rows, sharedStrings, padding: padding);
        return path;
    }

    private static (FileLayout? Layout, FileProblem? Problem, long Allocated) Inspect(string path)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var layout = RecipientFile.Inspect(path, Limits, out var problem);
        return (layout, problem, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static void AssertRefused(string path, string limit)
    {
        var (layout, problem, allocated) = Inspect(path);
        Assert.Null(layout);
        Assert.True(problem?.Limit == limit, $"expected the {limit} budget, got: {problem}");
        Assert.True(allocated < FewMegabytes, $"reading allocated {allocated / 1024 / 1024} MB");
    }

    [Fact]
    public void A_header_cell_of_400_MB_in_a_few_hundred_KB_is_refused_before_it_is_unpacked()
    {
        var path = Workbook(w =>
        {
            w.Write("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>");
            Workbooks.Repeat(w, 'x', 400L * 1024 * 1024);
            w.Write("</t></is></c><c r=\"B1\" t=\"inlineStr\"><is><t>userId</t></is></c></row><row r=\"2\"><c r=\"B2\"><v>1001</v></c></row>");
        });
        Assert.InRange(new FileInfo(path).Length, 100_000, 2_000_000);
        AssertRefused(path, WorkbookLimit.CompressionRatio);
    }

    [Fact]
    public void A_shared_string_of_400_MB_is_refused_before_it_is_unpacked()
    {
        var path = Workbook(w => w.Write(
            "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row><row r=\"2\"><c r=\"B2\"><v>1001</v></c></row>"),
            s =>
            {
                s.Write("<si><t>");
                Workbooks.Repeat(s, 'x', 400L * 1024 * 1024);
                s.Write("</t></si><si><t>userId</t></si>");
            });
        AssertRefused(path, WorkbookLimit.CompressionRatio);
    }

    [Fact]
    public void A_whitespace_bomb_of_one_and_a_half_MB_is_refused_before_it_is_unpacked()
    {
        var path = Workbook(w =>
        {
            w.Write("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>userId</t></is></c></row><row r=\"2\"><c r=\"A2\"><v>1001</v></c></row>");
            Workbooks.Repeat(w, ' ', 1536L * 1024 * 1024);
            w.Write("<row r=\"3\"><c r=\"A3\"><v>1002</v></c></row>");
        });
        Assert.InRange(new FileInfo(path).Length, 1_000_000, 3_000_000);
        AssertRefused(path, WorkbookLimit.CompressionRatio);
    }

    [Fact]
    public void Columns_past_the_column_limit_are_not_read_so_200_000_rows_in_column_XFD_hold_no_recipients()
    {
        var path = Workbook(w =>
        {
            w.Write("<row r=\"1\"><c r=\"XFD1\" t=\"inlineStr\"><is><t>userId</t></is></c></row>");
            for (var row = 2; row <= 200_001; row++) w.Write($"<row r=\"{row}\"><c r=\"XFD{row}\"><v>{row}</v></c></row>");
        });
        var (layout, problem, allocated) = Inspect(path);
        Assert.Null(layout);
        Assert.Contains("no user id column", problem?.Message);
        Assert.Contains("first 1024 columns", problem?.Message);
        Assert.True(allocated < FewMegabytes, $"reading allocated {allocated / 1024 / 1024} MB");
    }

    [Fact]
    public void A_forged_packed_size_does_not_hide_a_bomb_the_ratio_is_measured_while_unpacking()
    {
        var path = Workbook(w =>
        {
            w.Write("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>userId</t></is></c></row>");
            Workbooks.Repeat(w, ' ', 200L * 1024 * 1024);
            w.Write("<row r=\"2\"><c r=\"A2\"><v>1001</v></c></row>");
        }, padding: 3 * 1024 * 1024);
        // The headers now claim 3 MB packed for 200 MB unpacked: a ratio of 70, under the limit.
        Workbooks.DeclarePackedSize(path, "xl/worksheets/sheet1.xml", 3_000_000);
        using (var zip = ZipFile.OpenRead(path))
        {
            var sheet = zip.GetEntry("xl/worksheets/sheet1.xml")!;
            Assert.True(sheet.Length < Limits.MaxCompressionRatio * sheet.CompressedLength);
        }
        AssertRefused(path, WorkbookLimit.CompressionRatio);
    }

    [Fact]
    public void A_bomb_past_the_first_rows_accepted_at_upload_stops_the_import_at_its_budget()
    {
        var path = Workbook(w =>
        {
            w.Write("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>userId</t></is></c></row><row r=\"2\"><c r=\"A2\"><v>1001</v></c></row>");
            Workbooks.Repeat(w, ' ', 200L * 1024 * 1024);
            w.Write("<row r=\"3\"><c r=\"A3\"><v>1002</v></c></row>");
        }, padding: 3 * 1024 * 1024);
        Workbooks.DeclarePackedSize(path, "xl/worksheets/sheet1.xml", 3_000_000);
        var (layout, _, _) = Inspect(path);
        Assert.NotNull(layout); // upload reads the header and the first row only

        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<WorkbookLimitException>(() => RecipientFile.Rows(path, layout!, Limits).ToList());
        Assert.Equal(WorkbookLimit.CompressionRatio, error.Limit);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < FewMegabytes);
    }

    [Fact]
    public void A_cell_longer_than_excel_allows_is_refused_even_when_it_does_not_compress()
    {
        var path = Workbook(w => w.Write("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>userId</t></is></c></row>" +
            $"<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>{Workbooks.Noise(WorkbookLimits.MaxCellChars + 1, 1)}</t></is></c></row>"));
        AssertRefused(path, WorkbookLimit.CellLength);
        RecipientFile.Inspect(path, Limits, out var problem);
        Assert.Contains("32767 characters", problem?.Message); // errors.file: one line the merchant reads

        var shared = Workbook(w => w.Write("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row><row r=\"2\"><c r=\"A2\"><v>1</v></c></row>"),
            s => s.Write($"<si><t>userId</t></si><si><r><t>{Workbooks.Noise(20_000, 2)}</t></r><r><t>{Workbooks.Noise(20_000, 3)}</t></r></si>"));
        AssertRefused(shared, WorkbookLimit.CellLength);
    }

    [Fact]
    public void A_row_longer_than_a_csv_record_may_be_is_refused()
    {
        var cells = string.Concat(Enumerable.Range(0, 40).Select(i => $"<c t=\"inlineStr\"><is><t>{Workbooks.Noise(30_000, i)}</t></is></c>"));
        var path = Workbook(w => w.Write($"<row r=\"1\"><c t=\"inlineStr\"><is><t>userId</t></is></c>{cells}</row>"));
        AssertRefused(path, WorkbookLimit.RowLength);
    }

    [Theory]
    [InlineData("depth")]
    [InlineData("names")]
    [InlineData("attribute")]
    public void Xml_shaped_to_exhaust_the_parser_is_refused(string shape)
    {
        var path = Workbook(w =>
        {
            w.Write("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>userId</t></is></c></row>");
            switch (shape)
            {
                case "depth": // a million nested elements (with a little noise, or the ratio would stop them first): a parser stack without end
                    var noise = Workbooks.Noise(6_000_000, 5);
                    for (var i = 0; i < 1_000_000; i++) w.Write($"<e{i % 7} n=\"{noise.AsSpan(i * 6, 6)}\">");
                    break;
                case "names": // a million distinct names: a name table without end
                    for (var i = 0; i < 1_000_000; i++) w.Write($"<n{i}/>");
                    break;
                case "attribute": // one 8 MB attribute: a token the parser must hold whole
                    w.Write($"<row r=\"2\" x=\"{Workbooks.Noise(8 * 1024 * 1024, 4)}\"/>");
                    break;
            }
            w.Write("<row r=\"9\"><c r=\"A9\"><v>1001</v></c></row>");
        });
        AssertRefused(path, WorkbookLimit.Structure);
    }

    [Fact]
    public void A_zip_of_twenty_thousand_parts_is_refused_from_its_directory()
    {
        var path = NewPath();
        using (var file = File.Create(path))
        using (var zip = new ZipArchive(file, ZipArchiveMode.Create))
        {
            for (var i = 0; i < 20_000; i++) zip.CreateEntry($"xl/worksheets/sheet{i}.xml", CompressionLevel.NoCompression);
        }
        AssertRefused(path, WorkbookLimit.Structure);
    }
}
