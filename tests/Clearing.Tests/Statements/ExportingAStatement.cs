using System.Text;
using MiniExcelLibs;
using PromotionEngine.Clearing.Ledger;
using PromotionEngine.Clearing.Statements;
using static PromotionEngine.Clearing.Statements.LedgerAccounts;

namespace PromotionEngine.Clearing.Tests.Statements;

public sealed class ExportingAStatement
{
    private static readonly DateOnly Day = new(2026, 6, 18);

    private static readonly DailyStatement Statement = new(7, Day, DayState.Closed, new DateTimeOffset(2026, 6, 19, 0, 5, 0, TimeSpan.Zero),
    [
        new CurrencyStatement("CNY", 600, 400, new CouponCounts(2, 1, 0, 0, 1),
            [
                new AccountLine(LedgerUnits.Coupons, CouponsIssued, -1, -2, 0, -3),
                new AccountLine(LedgerUnits.Money, ExpenseMerchant, 1_400, 2_000, -1_400, 2_000),
            ],
            [new AdjustmentLine(Day.AddDays(-1), LedgerUnits.Money, ExpenseMerchant, -1_400)]),
    ]);

    [Fact]
    public void The_csv_is_one_table_of_figures_counts_accounts_and_adjustments()
    {
        var bytes = StatementExport.Csv(Statement);

        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("merchantId,day,state,currency,line,unit,account,originalDay,opening,movements,adjustments,closing,amount", lines[0]);
        Assert.Equal("7,2026-06-18,CLOSED,CNY,MERCHANT_BEARS,MONEY,,,,,,,600", lines[1]);
        Assert.Equal("7,2026-06-18,CLOSED,CNY,PLATFORM_SUBSIDISES,MONEY,,,,,,,400", lines[2]);
        Assert.Equal("7,2026-06-18,CLOSED,CNY,COUPONS_ISSUED,COUPONS,,,,,,,2", lines[3]);
        Assert.Equal("7,2026-06-18,CLOSED,CNY,ACCOUNT,MONEY,expense.merchant,,1400,2000,-1400,2000,", lines[^2]);
        Assert.Equal("7,2026-06-18,CLOSED,CNY,ADJUSTMENT,MONEY,expense.merchant,2026-06-17,,,,,-1400", lines[^1]);
        Assert.Equal(1 + 7 + 2 + 1, lines.Length);
    }

    [Fact]
    public async Task The_workbook_holds_the_same_table()
    {
        var bytes = await StatementExport.XlsxAsync(Statement, CancellationToken.None);

        using var file = new MemoryStream(bytes);
        var rows = file.Query(useHeaderRow: true).Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(StatementExport.Header, rows[0].Keys);
        Assert.Equal(10, rows.Count);
        var adjustment = rows[^1];
        Assert.Equal(("ADJUSTMENT", "2026-06-17", -1_400d),
            ((string?)adjustment["line"], (string?)adjustment["originalDay"], Convert.ToDouble(adjustment["amount"])));
        Assert.Equal("7", Convert.ToString(rows[0]["merchantId"]));
        Assert.Equal(600d, Convert.ToDouble(rows[0]["amount"]));
    }

    [Theory]
    [InlineData("csv", "", "Csv")]
    [InlineData("XLSX", "text/csv", "Xlsx")]
    [InlineData("json", "text/csv", "Json")]
    [InlineData(null, "text/csv", "Csv")]
    [InlineData(null, StatementFormats.XlsxMediaType, "Xlsx")]
    [InlineData(null, "application/json", "Json")]
    [InlineData(null, "", "Json")]
    [InlineData("pdf", "", null)]
    public void The_format_parameter_decides_else_the_accept_header(string? format, string accept, string? expected) =>
        Assert.Equal(expected, StatementFormats.Negotiate(format, accept)?.ToString());
}
