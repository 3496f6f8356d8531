using PromotionEngine.Contracts.Http.Clearing;

namespace PromotionEngine.WebConsole.Components.AnalyticsPages;

/// <summary>One local day of the merchant's (or one template's) activity: coupon counts, and the net discount given per currency.</summary>
internal sealed record DayFigures(DateOnly Date, long Issued, long Claimed, long Distributed, long Used, IReadOnlyDictionary<string, long> Discount)
{
    public long DiscountIn(string currency) => Discount.TryGetValue(currency, out var minor) ? minor : 0;
}

/// <summary>
/// The clearing module's activity report (per template and local day) as the analytics page draws it: every day of the range, the
/// templates' rows of a day added up (counts across currencies; discounts only within a currency, never across), days without
/// movement as zeros; the totals are the report's own per-currency totals, not recounted.
/// </summary>
internal sealed record ActivityByDay(IReadOnlyList<DayFigures> Days, IReadOnlyList<string> Currencies, DayFigures Total)
{
    public bool IsEmpty => Total is { Issued: 0, Used: 0 } && Total.Discount.Values.All(v => v == 0);

    public static ActivityByDay Of(CampaignActivityResponse report)
    {
        var currencies = report.Totals.Select(t => t.Currency).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var byDate = report.Rows.GroupBy(r => r.Date).ToDictionary(g => g.Key, g => g.ToList());
        var days = new List<DayFigures>();
        for (var date = report.From; date <= report.To; date = date.AddDays(1))
        {
            var rows = byDate.GetValueOrDefault(date) ?? [];
            days.Add(new DayFigures(date, rows.Sum(r => r.Figures.Issued), rows.Sum(r => r.Figures.Claimed), rows.Sum(r => r.Figures.Distributed),
                rows.Sum(r => r.Figures.Used),
                rows.GroupBy(r => r.Currency, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.Sum(r => r.Figures.DiscountGiven), StringComparer.Ordinal)));
        }
        var totals = report.Totals;
        var total = new DayFigures(report.To, totals.Sum(t => t.Figures.Issued), totals.Sum(t => t.Figures.Claimed),
            totals.Sum(t => t.Figures.Distributed), totals.Sum(t => t.Figures.Used),
            totals.ToDictionary(t => t.Currency, t => t.Figures.DiscountGiven, StringComparer.Ordinal));
        return new ActivityByDay(days, currencies, total);
    }
}
