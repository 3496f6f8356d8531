using System.Text;
using MiniExcelLibs;
using PromotionEngine.Distribution.Failures;
using PromotionEngine.Distribution.Recipients;
using PromotionEngine.Tabular;

namespace PromotionEngine.Distribution.Tests;

/// <summary>Reading recipients files: the header, the rows, what makes a file unusable.</summary>
public sealed class RecipientFiles : IDisposable
{
    private static readonly WorkbookLimits Limits = WorkbookLimits.For(new DistributionOptions());
    private readonly List<string> _files = [];

    private string Write(byte[] content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"recipients-test-{Guid.NewGuid():N}");
        File.WriteAllBytes(path, content);
        _files.Add(path);
        return path;
    }

    private string Write(string text) => Write(Encoding.UTF8.GetBytes(text));

    public void Dispose()
    {
        foreach (var f in _files) File.Delete(f);
    }

    [Theory]
    [InlineData("userId,phone\n1,2\n", 0)]
    [InlineData("phone;User_ID\n2;1\n", 1)]
    [InlineData("\uFEFFname\tuid\nx\t1\n", 1)]
    [InlineData("\"USER ID\"\n5\n", 0)]
    public void The_user_id_column_is_found_by_name_whatever_the_delimiter_and_case(string csv, int column)
    {
        var layout = RecipientFile.Inspect(Write(csv), Limits, out var problem);
        Assert.Null(problem);
        Assert.Equal(new FileLayout(FileFormat.Csv, column), layout);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("phone,email\n1,2\n", "no user id column")]
    [InlineData("userId\n\n\n", "no recipient rows")]
    public void A_file_without_a_header_a_user_id_column_or_rows_is_refused(string csv, string expected)
    {
        Assert.Null(RecipientFile.Inspect(Write(csv), Limits, out var problem));
        Assert.Contains(expected, problem?.Message);
    }

    [Fact]
    public void Binary_data_and_a_broken_workbook_are_refused()
    {
        Assert.Null(RecipientFile.Inspect(Write([0x4D, 0x5A, 0x00, 0x90, 0x00]), Limits, out var binary));
        Assert.Contains("binary", binary?.Message);
        Assert.Null(RecipientFile.Inspect(Write("PK\u0003\u0004garbage"), Limits, out var zip));
        Assert.Contains(".xlsx", zip?.Message);
    }

    [Fact]
    public void A_single_record_larger_than_the_limit_makes_the_file_unreadable_not_a_buffer_without_bound()
    {
        var path = Write("userId\n1\n\"" + new string('x', RecipientFile.MaxRecordBytes + 10) + "\"\n");
        Assert.NotNull(RecipientFile.Inspect(path, Limits, out _));
        var layout = new FileLayout(FileFormat.Csv, 0);
        Assert.Throws<UnreadableFileException>(() => RecipientFile.Rows(path, layout, Limits).ToList());
    }

    [Fact]
    public void Rows_are_numbered_as_records_with_the_header_as_row_one_and_blank_records_skipped()
    {
        var rows = RecipientFile.Rows(Write("userId,x\n11,a\n,\n 12 ,b\n13\n"), new FileLayout(FileFormat.Csv, 0), Limits).ToList();
        Assert.Equal([new RecipientRow(2, "11"), new RecipientRow(4, " 12 "), new RecipientRow(5, "13")], rows);
    }

    [Theory]
    [InlineData("userId\n11\n\n12\n")]
    [InlineData("userId\r\n11\r\n\r\n12\r\n")]
    public void An_empty_line_keeps_its_row_number_so_reports_point_at_the_line_the_merchant_sees(string text)
    {
        var rows = RecipientFile.Rows(Write(text), new FileLayout(FileFormat.Csv, 0), Limits).ToList();
        Assert.Equal([new RecipientRow(2, "11"), new RecipientRow(4, "12")], rows);
    }

    [Fact]
    public void An_xlsx_sheet_is_read_row_by_row_with_numbers_shown_as_the_merchant_sees_them()
    {
        using var stream = new MemoryStream();
        stream.SaveAs(new[]
        {
            new Dictionary<string, object?> { ["note"] = "a", ["User Id"] = 1001d },
            new Dictionary<string, object?> { ["note"] = "b", ["User Id"] = "1002" },
            new Dictionary<string, object?> { ["note"] = "c", ["User Id"] = 3.5 },
        }, excelType: ExcelType.XLSX);
        var path = Write(stream.ToArray());
        var layout = RecipientFile.Inspect(path, Limits, out var problem);
        Assert.Null(problem);
        Assert.Equal(new FileLayout(FileFormat.Xlsx, 1), layout);
        Assert.Equal(
            [new RecipientRow(2, "1001"), new RecipientRow(3, "1002"), new RecipientRow(4, "3.5")],
            RecipientFile.Rows(path, layout!, Limits).ToList());
    }

    [Fact]
    public void A_workbook_of_shared_strings_finds_its_header_and_first_row_past_blank_strings()
    {
        var path = Write(Workbooks.Of(
            "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>5</v></c><c r=\"B1\" t=\"s\"><v>0</v></c></row>" +
            "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>1</v></c><c r=\"B2\" t=\"s\"><v>2</v></c></row><row r=\"3\"><c r=\"B3\" t=\"s\"><v>3</v></c></row>",
            "<si><t>uid</t></si><si><t> </t></si><si><t>_x0020_</t></si><si><t>1001</t></si><si><t>x</t></si><si><t>note</t></si>"));
        Assert.Equal(new FileLayout(FileFormat.Xlsx, 1), RecipientFile.Inspect(path, Limits, out var problem));
        Assert.Null(problem);
        Assert.Equal([new RecipientRow(3, "1001")], RecipientFile.Rows(path, new FileLayout(FileFormat.Xlsx, 1), Limits).ToList());

        var blank = Write(Workbooks.Of("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row><row r=\"2\"><c r=\"A2\" t=\"s\"><v>1</v></c></row>",
            "<si><t>userId</t></si><si><t xml:space=\"preserve\">   </t></si>"));
        Assert.Null(RecipientFile.Inspect(blank, Limits, out var none));
        Assert.Contains("no recipient rows", none?.Message);
    }

    [Fact]
    public void Shared_strings_kept_on_disk_read_back_in_any_order()
    {
        var texts = Enumerable.Range(0, 60_000)
            .Select(i => i % 997 == 0 ? new string('名', 32_000 + i % 7) : i % 991 == 0 ? Workbooks.Noise(30_000, i) : $"user-{i}-名前")
            .ToList();
        var path = Write(Workbooks.Of("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>",
            string.Concat(texts.Select(t => $"<si><t>{t}</t></si>"))));
        using var package = Tabular.Xlsx.XlsxPackage.Open(path, Limits);
        using var part = package.Read(package.Find("xl/sharedStrings.xml")!, keepWhitespace: true);
        using var table = Tabular.Xlsx.SharedStringTable.Build(part, Limits, path);
        Assert.Equal(texts.Count, table.Count);
        var random = new Random(3);
        foreach (var i in Enumerable.Range(0, texts.Count).Concat(Enumerable.Range(0, 20_000).Select(_ => random.Next(texts.Count))))
            Assert.Equal(texts[i], table.Get(i));
    }

    [Theory]
    [InlineData("42", true, 42)]
    [InlineData("  7 ", true, 7)]
    [InlineData("9223372036854775807", true, long.MaxValue)]
    [InlineData("9223372036854775808", false, 0)]
    [InlineData("0", false, 0)]
    [InlineData("-3", false, 0)]
    [InlineData("1e5", false, 0)]
    [InlineData("١٢", false, 0)]
    [InlineData("", false, 0)]
    public void A_user_id_is_ascii_digits_from_one_to_long_max(string raw, bool valid, long expected)
    {
        Assert.Equal(valid, UserIdText.TryParse(raw, out var id));
        if (valid) Assert.Equal(expected, id);
    }

    [Fact]
    public void A_chunk_of_recipients_reads_back_exactly_as_written()
    {
        var recipients = new List<Recipient> { new(2, 1), new(3, long.MaxValue), new(900, 12345678901), new(901, 5) };
        var data = RecipientChunk.Encode(recipients);
        Assert.Equal(recipients, RecipientChunk.Decode(2, recipients.Count, data));
        Assert.Throws<InvalidDataException>(() => RecipientChunk.Decode(2, 3, data));
        Assert.Throws<ArgumentException>(() => RecipientChunk.Encode([new Recipient(5, 1), new Recipient(4, 2)]));
    }

    [Fact]
    public void Seen_users_finds_every_repeat_across_growth()
    {
        var seen = new SeenUsers();
        for (long i = 1; i <= 100_000; i++) Assert.True(seen.Add(i * 7919));
        for (long i = 1; i <= 100_000; i += 997) Assert.False(seen.Add(i * 7919));
        Assert.True(seen.Add(3));
        Assert.Equal(100_001, seen.Count);
    }

    [Theory]
    [InlineData("123", "123")]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("-5", "'-5")]
    [InlineData("a,b", "\"a,b\"")]
    public void Failure_values_are_safe_in_a_spreadsheet(string raw, string csv) => Assert.Equal(csv, FailureExport.Csv(raw));
}
