using System.Globalization;

namespace PromotionEngine.Clearing.Reconciliation;

/// <summary>An order file accepted at upload: its format and the 0-based columns of its five fields.</summary>
internal sealed record OrderFileLayout(FileFormat Format, int OrderId, int PaidAt, int CouponIds, int Discount, int Status);

/// <summary>A record of the order file that is not an order line: its row and why.</summary>
internal sealed class InvalidOrderLineException(long row, string field, string message) : UnreadableFileException($"Row {row}: {message}")
{
    public long Row { get; } = row;
    public string Field { get; } = field;
}

/// <summary>
/// The order system's record of a day, uploaded as CSV or .xlsx and read streaming through <see cref="TabularFile"/>. The
/// header names five columns, in any order (case, spaces, underscores and dashes ignored): <c>order_id</c>, <c>paid_at</c>
/// (ISO 8601 with an offset or Z; an .xlsx date cell is taken as UTC), <c>coupon_ids</c> (user coupon ids separated by
/// <c>;</c>, <c>|</c> or spaces; empty when the order used none), <c>discount</c> (the order's coupon discount, integer minor
/// units) and <c>status</c> (PAID, REFUNDED, or whatever else the order system says: compared as given, upper-cased). Other
/// columns are ignored; blank records are skipped.
/// </summary>
internal static class OrderFile
{
    public static readonly string[] Header = ["order_id", "paid_at", "coupon_ids", "discount", "status"];
    private static readonly string[][] Names =
        [["orderid"], ["paidat", "paidtime"], ["couponids", "coupons", "couponid"], ["discount", "discountamount"], ["status"]];

    public static OrderFileLayout? Inspect(string path, WorkbookLimits limits, out FileProblem? problem)
    {
        if (TabularFile.Sniff(path, out problem) is not { } format) return null;
        try
        {
            var (header, hasRow) = TabularFile.InspectHeader(path, format, limits, h => Columns(h).All(c => c >= 0));
            if (header is null)
            {
                problem = new("The file has no header row.");
                return null;
            }
            var columns = Columns(header);
            if (columns.Any(c => c < 0))
            {
                var missing = string.Join(", ", Header.Where((_, i) => columns[i] < 0));
                problem = new($"The header row must name the columns {string.Join(", ", Header)}; it lacks {missing}.");
                return null;
            }
            if (!hasRow)
            {
                problem = new("The file has a header row but no order rows.");
                return null;
            }
            return new OrderFileLayout(format, columns[0], columns[1], columns[2], columns[3], columns[4]);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            problem = TabularFile.Unreadable(format, e);
            return null;
        }
    }

    private static int[] Columns(string[] header) =>
        Names.Select(names => Array.FindIndex(header, h => names.Contains(TabularFile.NormalizeHeader(h)))).ToArray();

    /// <summary>The order lines after the header; a record that is not one throws <see cref="InvalidOrderLineException"/>.</summary>
    public static IEnumerable<OrderLine> Lines(string path, OrderFileLayout layout, WorkbookLimits limits)
    {
        using var records = TabularFile.Records(path, layout.Format, limits).GetEnumerator();
        if (!records.MoveNext()) yield break;
        while (records.MoveNext())
        {
            var (row, cells) = records.Current;
            if (TabularFile.IsBlank(cells)) continue;
            yield return Parse(row, cells, layout);
        }
    }

    public static OrderLine Parse(long row, string[] cells, OrderFileLayout layout)
    {
        string Cell(int i) => i < cells.Length ? cells[i].Trim() : "";
        var orderId = Cell(layout.OrderId);
        if (orderId.Length is 0 or > 64) throw new InvalidOrderLineException(row, "order_id", "order_id must be 1 to 64 characters.");
        var paidText = Cell(layout.PaidAt);
        const DateTimeStyles utc = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;
        if (!DateTimeOffset.TryParse(paidText, CultureInfo.InvariantCulture, utc, out var paidAt))
            throw new InvalidOrderLineException(row, "paid_at", $"paid_at '{TabularFile.Truncate(paidText, 40)}' is not an ISO 8601 time.");
        var couponText = Cell(layout.CouponIds);
        var coupons = new List<long>();
        foreach (var part in couponText.Split([';', '|', ' ', ','], StringSplitOptions.RemoveEmptyEntries))
        {
            if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
            {
                throw new InvalidOrderLineException(
                    row, "coupon_ids", $"coupon id '{TabularFile.Truncate(part, 40)}' is not a positive whole number.");
            }
            coupons.Add(id);
        }
        var discountText = Cell(layout.Discount);
        if (!long.TryParse(discountText, NumberStyles.None, CultureInfo.InvariantCulture, out var discount))
        {
            throw new InvalidOrderLineException(
                row, "discount", $"discount '{TabularFile.Truncate(discountText, 40)}' is not a whole number of minor units.");
        }
        var status = Cell(layout.Status).ToUpperInvariant();
        if (status.Length is 0 or > 20)
            throw new InvalidOrderLineException(row, "status", "status must be 1 to 20 characters (PAID, REFUNDED, ...).");
        return new OrderLine(row, orderId, paidAt.ToUniversalTime(), coupons, discount, status);
    }
}
