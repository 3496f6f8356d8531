using System.Text;
using MiniExcelLibs;
using PromotionEngine.Clearing.Reconciliation;
using PromotionEngine.Tabular;

namespace PromotionEngine.Clearing.Tests.Reconciliation;

/// <summary>The order system's file: its documented header in any order and spelling, CSV or .xlsx, and what is refused.</summary>
public sealed class ReadingOrderFiles : IDisposable
{
    private static readonly WorkbookLimits Limits = new ReconciliationOptions().Limits;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "clearing-order-files-" + Guid.NewGuid().ToString("N"));

    public ReadingOrderFiles() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_csv_with_the_documented_header_gives_its_order_lines()
    {
        var path = Csv("order_id,paid_at,coupon_ids,discount,status\n" +
            "SO-1,2026-12-06T10:15:00Z,1001;1002,2500,PAID\n" +
            "\n" +
            "SO-2,2026-12-06T18:00:00+08:00,,0,refunded\n");

        var layout = OrderFile.Inspect(path, Limits, out var problem);
        var lines = OrderFile.Lines(path, layout!, Limits).ToList();

        Assert.Null(problem);
        Assert.Equal(FileFormat.Csv, layout!.Format);
        Assert.Equal(2, lines.Count);
        Assert.Equal(new OrderLine(2, "SO-1", new DateTimeOffset(2026, 12, 6, 10, 15, 0, TimeSpan.Zero), [1001, 1002], 2500, "PAID"),
            lines[0] with { CouponIds = [.. lines[0].CouponIds] }, new LineComparer());
        Assert.Equal((4L, "SO-2", new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero), 0, "REFUNDED"),
            (lines[1].Row, lines[1].OrderId, lines[1].PaidAt, lines[1].CouponIds.Count, lines[1].Status));
    }

    [Fact]
    public void Columns_may_come_in_any_order_and_spelling_and_others_are_ignored()
    {
        var path = Csv("Status,Note,Discount Amount,Coupon IDs,Paid Time,Order-Id\nPAID,x,100,7,2026-12-06T00:00:00Z,A\n");

        var layout = OrderFile.Inspect(path, Limits, out _);

        Assert.Equal(new OrderFileLayout(FileFormat.Csv, 5, 4, 3, 2, 0), layout);
        Assert.Equal("A", OrderFile.Lines(path, layout!, Limits).Single().OrderId);
    }

    [Fact]
    public void An_xlsx_workbook_is_read_like_a_csv()
    {
        var path = Path.Combine(_folder, "orders.xlsx");
        MiniExcel.SaveAs(path, new[]
        {
            new Dictionary<string, object>
            {
                ["order_id"] = "SO-9", ["paid_at"] = "2026-12-06T23:59:59Z", ["coupon_ids"] = "42|43", ["discount"] = 900, ["status"] = "PAID",
            },
        });

        var layout = OrderFile.Inspect(path, Limits, out var problem);
        var line = OrderFile.Lines(path, layout!, Limits).Single();

        Assert.Null(problem);
        Assert.Equal(FileFormat.Xlsx, layout!.Format);
        Assert.Equal(("SO-9", 900L), (line.OrderId, line.Discount));
        Assert.Equal([42L, 43L], line.CouponIds);
    }

    [Fact]
    public void A_header_without_a_documented_column_is_refused_naming_it()
    {
        var path = Csv("order_id,paid_at,discount,status\nA,2026-12-06T00:00:00Z,1,PAID\n");

        Assert.Null(OrderFile.Inspect(path, Limits, out var problem));
        Assert.Contains("coupon_ids", problem!.Message);
    }

    [Theory]
    [InlineData("A,yesterday,1,100,PAID", "paid_at")]
    [InlineData("A,2026-12-06T00:00:00Z,x1,100,PAID", "coupon_ids")]
    [InlineData("A,2026-12-06T00:00:00Z,1,12.5,PAID", "discount")]
    [InlineData(",2026-12-06T00:00:00Z,1,100,PAID", "order_id")]
    [InlineData("A,2026-12-06T00:00:00Z,1,100,", "status")]
    public void A_row_that_is_not_an_order_line_names_its_row_and_field(string row, string field)
    {
        var path = Csv("order_id,paid_at,coupon_ids,discount,status\nB,2026-12-06T00:00:00Z,2,5,PAID\n" + row + "\n");
        var layout = OrderFile.Inspect(path, Limits, out _);

        var error = Assert.Throws<InvalidOrderLineException>(() => OrderFile.Lines(path, layout!, Limits).ToList());

        Assert.Equal((3L, field), (error.Row, error.Field));
        Assert.StartsWith("Row 3: ", error.Message);
    }

    private string Csv(string text)
    {
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    private sealed class LineComparer : IEqualityComparer<OrderLine>
    {
        public bool Equals(OrderLine? x, OrderLine? y) => x is not null && y is not null
            && (x.Row, x.OrderId, x.PaidAt, x.Discount, x.Status) == (y.Row, y.OrderId, y.PaidAt, y.Discount, y.Status)
            && x.CouponIds.SequenceEqual(y.CouponIds);

        public int GetHashCode(OrderLine obj) => obj.OrderId.GetHashCode(StringComparison.Ordinal);
    }
}
