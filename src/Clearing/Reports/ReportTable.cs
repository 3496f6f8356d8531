using System.Globalization;
using PromotionEngine.Contracts.Http.Clearing;

namespace PromotionEngine.Clearing.Reports;

/// <summary>
/// A report as one flat table for CSV and .xlsx: the column names are the JSON's member names (a row's figures are flattened
/// into it), and each cell is written as the JSON writes the value, so the three formats carry the same numbers.
/// </summary>
internal sealed record ReportTable(string Name, IReadOnlyList<string> Header, IEnumerable<object?[]> Rows)
{
    private static readonly string[] Figures =
    [
        "issued", "claimed", "distributed", "locked", "used", "expired", "refunded", "redemptionRate", "discountSpent", "discountReturned",
        "discountClawedBack", "discountGiven", "merchantFunded", "platformFunded", "orders", "orderValue", "averageOrderValue",
    ];

    public static ReportTable Of(CampaignActivityResponse report) => new(
        $"campaign-activity-{report.Granularity.ToLowerInvariant()}-{ReportRanges.Iso(report.From)}-{ReportRanges.Iso(report.To)}",
        ["templateId", "date", "start", "end", "currency", .. Figures],
        report.Rows.Select(r => (object?[])[r.TemplateId, r.Date, r.Start, r.End, r.Currency, .. Cells(r.Figures)]));

    public static ReportTable Of(TemplateFunnelResponse f) => new(
        $"template-{f.TemplateId}-funnel-{ReportRanges.Iso(f.From)}-{ReportRanges.Iso(f.To)}",
        ["templateId", "timeZone", "from", "to", "currency", "exposed", "issued", "claimed", "distributed", "locked", "used", "lockRate",
            "useRate", "redemptionRate"],
        [[f.TemplateId, f.TimeZone, f.From, f.To, f.Currency, f.Exposed, f.Issued, f.Claimed, f.Distributed, f.Locked, f.Used, f.LockRate,
            f.UseRate, f.RedemptionRate]]);

    public static ReportTable Of(TopTemplatesResponse top) => new(
        $"top-templates-{ReportRanges.Iso(top.From)}-{ReportRanges.Iso(top.To)}",
        ["rank", "templateId", "currency", "discountGiven", "used", "orderValue", "averageOrderValue"],
        top.Templates.Select(t => (object?[])[t.Rank, t.TemplateId, t.Currency, t.DiscountGiven, t.Used, t.OrderValue, t.AverageOrderValue]));

    /// <summary>A cell as text: numbers and dates as the JSON writes them (invariant culture, ISO 8601 with offset), null empty.</summary>
    public static string Text(object? value) => value switch
    {
        null => "",
        DateOnly d => ReportRanges.Iso(d),
        DateTimeOffset t => t.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static object?[] Cells(CampaignFigures f) =>
    [
        f.Issued, f.Claimed, f.Distributed, f.Locked, f.Used, f.Expired, f.Refunded, f.RedemptionRate, f.DiscountSpent, f.DiscountReturned,
        f.DiscountClawedBack, f.DiscountGiven, f.MerchantFunded, f.PlatformFunded, f.Orders, f.OrderValue, f.AverageOrderValue,
    ];
}
