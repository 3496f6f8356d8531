using System.Globalization;
using System.Text;
using MiniExcelLibs;
using PromotionEngine.Clearing.Ledger;

namespace PromotionEngine.Clearing.Statements;

/// <summary>One row of a statement's file: an account line, an adjustment line, or one of the figures (amount only).</summary>
internal sealed record StatementRow(
    string Currency, string Line, string Unit, string? Account, DateOnly? OriginalDay,
    long? Opening, long? Movements, long? Adjustments, long? Closing, long? Amount);

/// <summary>
/// A statement as one table, the same in CSV and .xlsx: per currency, the figures, the coupon counts, every account line and every
/// adjustment line; each row repeats the merchant, the day and its state, so rows of several statements can be pasted together.
/// A statement has tens of rows: it is written in memory.
/// </summary>
internal static class StatementExport
{
    public static readonly string[] Header =
    [
        "merchantId", "day", "state", "currency", "line", "unit", "account", "originalDay", "opening", "movements", "adjustments", "closing",
        "amount",
    ];

    public static IEnumerable<StatementRow> Rows(DailyStatement statement)
    {
        foreach (var c in statement.Currencies)
        {
            yield return Figure(c.Currency, "MERCHANT_BEARS", LedgerUnits.Money, c.MerchantBears);
            yield return Figure(c.Currency, "PLATFORM_SUBSIDISES", LedgerUnits.Money, c.PlatformSubsidises);
            yield return Figure(c.Currency, "COUPONS_ISSUED", LedgerUnits.Coupons, c.Coupons.Issued);
            yield return Figure(c.Currency, "COUPONS_REDEEMED", LedgerUnits.Coupons, c.Coupons.Redeemed);
            yield return Figure(c.Currency, "COUPONS_EXPIRED", LedgerUnits.Coupons, c.Coupons.Expired);
            yield return Figure(c.Currency, "COUPONS_LOCKED_AT_CLOSE", LedgerUnits.Coupons, c.Coupons.LockedAtClose);
            yield return Figure(c.Currency, "COUPONS_OUTSTANDING_AT_CLOSE", LedgerUnits.Coupons, c.Coupons.OutstandingAtClose);
            foreach (var a in c.Accounts)
                yield return new StatementRow(c.Currency, "ACCOUNT", a.Unit, a.Account, null, a.Opening, a.Movements, a.Adjustments, a.Closing, null);
            foreach (var a in c.Adjustments)
                yield return new StatementRow(c.Currency, "ADJUSTMENT", a.Unit, a.Account, a.OriginalDay, null, null, null, null, a.Amount);
        }
    }

    private static StatementRow Figure(string currency, string line, string unit, long amount) =>
        new(currency, line, unit, null, null, null, null, null, null, amount);

    public static string FileName(DailyStatement s) => $"clearing-statement-{s.MerchantId}-{s.Day:yyyy-MM-dd}";

    public static byte[] Csv(DailyStatement statement)
    {
        var text = new StringBuilder().AppendLine(string.Join(',', Header));
        foreach (var r in Rows(statement)) text.AppendLine(string.Join(',', Cells(statement, r).Select(v => v?.ToString() ?? "")));
        // With a byte order mark: a spreadsheet then reads the file as UTF-8.
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    public static async Task<byte[]> XlsxAsync(DailyStatement statement, CancellationToken ct)
    {
        var rows = Rows(statement).Select(r =>
        {
            var cells = Cells(statement, r);
            var row = new Dictionary<string, object?>(Header.Length);
            for (var i = 0; i < Header.Length; i++) row[Header[i]] = cells[i];
            return (IDictionary<string, object?>)row;
        }).ToList();
        using var file = new MemoryStream();
        await file.SaveAsAsync(rows, excelType: ExcelType.XLSX, sheetName: "statement", cancellationToken: ct);
        return file.ToArray();
    }

    /// <summary>The row's cells in <see cref="Header"/>'s order: ids, days and names as text, amounts as numbers, blanks as null.</summary>
    private static object?[] Cells(DailyStatement s, StatementRow r) =>
    [
        s.MerchantId.ToString(CultureInfo.InvariantCulture), s.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        StatementResponses.StateName(s.State), r.Currency, r.Line, r.Unit, r.Account,
        r.OriginalDay?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), r.Opening, r.Movements, r.Adjustments, r.Closing, r.Amount,
    ];
}
