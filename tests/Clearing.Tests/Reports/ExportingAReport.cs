using System.Globalization;
using System.Text;
using System.Text.Json;
using MiniExcelLibs;
using NodaTime;
using PromotionEngine.Clearing.Facts;
using PromotionEngine.Clearing.Reports;
using PromotionEngine.Contracts.Http.Clearing;

namespace PromotionEngine.Clearing.Tests.Reports;

/// <summary>A report as CSV or .xlsx carries the JSON's columns and the JSON's numbers, cell for cell.</summary>
public class ExportingAReport
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan Edt = TimeSpan.FromHours(-4);

    private static async Task<CampaignActivityResponse> AReportAsync()
    {
        var store = new InMemoryAnalyticStore().Add(
            AFact.Claimed(new(2026, 11, 1, 1, 30, 0, Edt)), AFact.Claimed(new(2026, 11, 1, 1, 30, 0, Edt)),
            AFact.Of(Movements.Consumed, new(2026, 11, 1, 9, 0, 0, Edt), template: 2),
            AFact.Spent(new(2026, 11, 1, 9, 0, 0, Edt), 2000, 667, 12_345, template: 2),
            AFact.Returned(new(2026, 11, 2, 9, 0, 0, TimeSpan.FromHours(-5)), 1500, 500, template: 2),
            AFact.Claimed(new(2026, 11, 2, 9, 0, 0, TimeSpan.FromHours(-5)), template: 3, currency: "USD"),
            AFact.Claimed(new(2026, 11, 2, 9, 0, 0, TimeSpan.FromHours(-5)), template: 3, currency: "USD"),
            AFact.Claimed(new(2026, 11, 2, 9, 0, 0, TimeSpan.FromHours(-5)), template: 3, currency: "USD"),
            AFact.Of(Movements.Consumed, new(2026, 11, 2, 9, 0, 0, TimeSpan.FromHours(-5)), template: 3, currency: "USD"));
        var calendar = ReportCalendar.For(DateTimeZoneProviders.Tzdb["America/New_York"], new(2026, 11, 1), new(2026, 11, 2));
        return await new CampaignReports(store).ActivityAsync(7, calendar, Granularity.Day, null, default);
    }

    /// <summary>Each row of the JSON as the text of its members (a row's figures flattened), in the JSON's order.</summary>
    private static List<Dictionary<string, string>> JsonRows(CampaignActivityResponse report)
    {
        using var document = JsonDocument.Parse(JsonSerializer.Serialize(report, Json));
        return document.RootElement.GetProperty("rows").EnumerateArray().Select(row =>
        {
            var cells = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var member in row.EnumerateObject())
            {
                if (member.Name == "figures")
                    foreach (var figure in member.Value.EnumerateObject()) cells[figure.Name] = Text(figure.Value);
                else cells[member.Name] = Text(member.Value);
            }
            return cells;
        }).ToList();
    }

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Null => "",
        _ => value.GetRawText(),
    };

    [Fact]
    public async Task The_csv_has_the_jsons_columns_and_the_same_text_in_every_cell()
    {
        var report = await AReportAsync();
        using var output = new MemoryStream();

        await ReportDownloads.WriteCsvAsync(ReportTable.Of(report), output, default);

        var bytes = output.ToArray();
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(l => l.Split('\n', StringSplitOptions.RemoveEmptyEntries)).ToList();
        var header = lines[0].Split(',');
        var expected = JsonRows(report);
        Assert.Equal(expected[0].Keys, header);
        Assert.Equal(expected.Count, lines.Count - 1);
        for (var i = 0; i < expected.Count; i++)
            Assert.Equal(expected[i].Values, lines[i + 1].Split(','));
        Assert.Contains(lines, l => l.Contains(",-1500,", StringComparison.Ordinal)); // a negative amount is a number, not text
        Assert.Contains(lines, l => l.Contains(",0.3333,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_workbook_has_the_jsons_columns_and_numbers()
    {
        var report = await AReportAsync();
        var path = Path.Combine(Path.GetTempPath(), $"report-test-{Guid.NewGuid():N}.xlsx");
        try
        {
            await ReportDownloads.WriteXlsxAsync(ReportTable.Of(report), path, default);

            var rows = MiniExcel.Query(path, useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
            var expected = JsonRows(report);
            Assert.Equal(expected.Count, rows.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].Keys, rows[i].Keys);
                foreach (var (column, text) in expected[i])
                    Assert.Equal(text, Cell(rows[i][column]));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task An_empty_report_still_has_its_header()
    {
        var empty = new CampaignActivityResponse("UTC", new(2026, 6, 1), new(2026, 6, 1), "DAY", [], [], []);
        using var output = new MemoryStream();
        var path = Path.Combine(Path.GetTempPath(), $"report-test-{Guid.NewGuid():N}.xlsx");
        try
        {
            await ReportDownloads.WriteCsvAsync(ReportTable.Of(empty), output, default);
            await ReportDownloads.WriteXlsxAsync(ReportTable.Of(empty), path, default);

            Assert.StartsWith("templateId,date,start,end,currency,issued,", Encoding.UTF8.GetString(output.ToArray()[3..]), StringComparison.Ordinal);
            var header = Assert.Single(MiniExcel.Query(path).Cast<IDictionary<string, object?>>());
            Assert.Equal("templateId", header["A"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("csv", "", "Csv")]
    [InlineData("XLSX", "", "Xlsx")]
    [InlineData("json", "text/csv", "Json")]
    [InlineData(null, "text/csv", "Csv")]
    [InlineData(null, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Xlsx")]
    [InlineData(null, "application/json", "Json")]
    [InlineData("pdf", "", null)]
    public void The_format_parameter_decides_and_else_the_accept_header(string? format, string accept, string? expected) =>
        Assert.Equal(expected, ReportFormats.Negotiate(format, accept)?.ToString());

    /// <summary>A workbook cell as the JSON writes the value: numbers come back as double (exact below 2^53).</summary>
    private static string Cell(object? value) => value switch
    {
        null => "",
        double d => ((decimal)d).ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
