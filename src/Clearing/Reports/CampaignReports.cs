using PromotionEngine.Clearing.Store;
using PromotionEngine.Contracts.Http.Clearing;

namespace PromotionEngine.Clearing.Reports;

/// <summary>
/// A merchant's campaign analytics, read from the analytic store only: activity per template and local day or hour, one
/// template's funnel, and the templates that gave the most discount. Amounts of different currencies are never added.
/// </summary>
internal sealed class CampaignReports(IAnalyticStore store)
{
    public const int DefaultTop = 10;
    public const int MaxTop = 100;

    /// <summary>
    /// Per template (only <paramref name="templateId"/> when given) and local day or hour. Days: one query over every segment (a
    /// day split by a change of offset is one bucket). Hours: one query per segment, so the hour a fall-back repeats stays two
    /// rows (told apart by their offset) instead of one of two hours.
    /// </summary>
    public async Task<CampaignActivityResponse> ActivityAsync(
        long merchantId, ReportCalendar calendar, Granularity granularity, long? templateId, CancellationToken ct)
    {
        var size = granularity is Granularity.Hour ? ReportCalendar.HourSeconds : ReportCalendar.DaySeconds;
        var periods = new Dictionary<(int Segment, long Bucket), (DateTimeOffset Start, DateTimeOffset End)>();
        foreach (var b in calendar.Buckets(size))
        {
            var key = (granularity is Granularity.Hour ? b.Segment : 0, b.BucketStart);
            periods[key] = periods.TryGetValue(key, out var known) ? (known.Start, b.End) : (b.Start, b.End);
        }
        var rows = new List<(int Segment, ActivityRow Row)>();
        if (granularity is Granularity.Hour)
        {
            for (var s = 0; s < calendar.Segments.Count; s++)
                rows.AddRange((await store.ActivityAsync(new ActivityQuery(merchantId, templateId, [calendar.Segments[s]], size, true), ct))
                    .Select(r => (s, r)));
        }
        else if (calendar.Segments.Count > 0)
        {
            rows.AddRange((await store.ActivityAsync(new ActivityQuery(merchantId, templateId, calendar.Segments, size, true), ct))
                .Select(r => (0, r)));
        }

        var buckets = rows.GroupBy(x => (Template: TemplateOf(x.Row), Period: (x.Segment, x.Row.BucketStart), x.Row.Currency))
            .Select(g => (g.Key, Period: periods.TryGetValue(g.Key.Period, out var p) ? p
                : throw new InvalidOperationException($"The store answered bucket {g.Key.Period.BucketStart}, outside the range asked."),
                Tally: Sum(g.Select(x => x.Row))))
            .OrderBy(x => x.Key.Template).ThenBy(x => x.Period.Start).ThenBy(x => x.Key.Currency, StringComparer.Ordinal)
            .Select(x => new ActivityRowResponse(Id(x.Key.Template), ReportCalendar.DateOf(x.Key.Period.BucketStart), x.Period.Start,
                x.Period.End, x.Key.Currency, x.Tally.ToFigures()))
            .ToList();
        var templates = rows.GroupBy(x => (Template: TemplateOf(x.Row), x.Row.Currency))
            .OrderBy(g => g.Key.Template).ThenBy(g => g.Key.Currency, StringComparer.Ordinal)
            .Select(g => new TemplateTotalResponse(Id(g.Key.Template), g.Key.Currency, Sum(g.Select(x => x.Row)).ToFigures()))
            .ToList();
        var totals = rows.GroupBy(x => x.Row.Currency).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new CurrencyTotalResponse(g.Key, Sum(g.Select(x => x.Row)).ToFigures()))
            .ToList();
        return new CampaignActivityResponse(calendar.TimeZone, calendar.From, calendar.To, Name(granularity), buckets, templates, totals);
    }

    /// <summary>One template's movements over the range, counted per step; coupons only, so currencies do not matter.</summary>
    public async Task<TemplateFunnelResponse> FunnelAsync(long merchantId, long templateId, ReportCalendar calendar, CancellationToken ct)
    {
        var rows = calendar.Segments.Count == 0 ? []
            : await store.ActivityAsync(new ActivityQuery(merchantId, templateId, calendar.Segments, ReportCalendar.DaySeconds, false), ct);
        var currencies = rows.Select(r => r.Currency).Distinct(StringComparer.Ordinal).ToList();
        if (currencies.Count > 1)
            throw new InvalidOperationException($"Template {templateId} has facts in {string.Join(", ", currencies)}: its currency is fixed.");
        var t = Sum(rows);
        return new TemplateFunnelResponse(Id(templateId), calendar.TimeZone, calendar.From, calendar.To, currencies.SingleOrDefault(), null,
            t.Issued, t.Claimed, t.Distributed, t.Locked, t.Used, Tally.Rate(t.Locked, t.Issued), Tally.Rate(t.Used, t.Locked),
            Tally.Rate(t.Used, t.Issued));
    }

    /// <summary>
    /// The store's ranking over the UTC span of the range (from its first instant to its last), grouped by currency with a rank in
    /// each: a template's net discount is compared only with those of its own currency.
    /// </summary>
    public async Task<TopTemplatesResponse> TopAsync(long merchantId, ReportCalendar calendar, int limit, CancellationToken ct)
    {
        var spend = calendar.Segments.Count == 0 ? []
            : await store.TopTemplatesAsync(merchantId, calendar.Segments[0].From, calendar.Segments[^1].To, limit, ct);
        var ranked = spend.Select((s, i) => (Spend: s, Order: i)).GroupBy(x => x.Spend.Currency).OrderBy(g => g.Min(x => x.Order))
            .SelectMany(g => g.OrderBy(x => x.Order).Select((x, rank) => new TopTemplateResponse(rank + 1, Id(x.Spend.TemplateId),
                x.Spend.Currency, x.Spend.Discount, x.Spend.Used, x.Spend.OrderAmount, Tally.Average(x.Spend.OrderAmount, x.Spend.Used))))
            .ToList();
        return new TopTemplatesResponse(calendar.TimeZone, calendar.From, calendar.To, ranked);
    }

    public static string Name(Granularity granularity) => granularity is Granularity.Hour ? "HOUR" : "DAY";

    private static Tally Sum(IEnumerable<ActivityRow> rows) => rows.Aggregate(new Tally(), (t, r) => t.Add(r));

    private static long TemplateOf(ActivityRow row) =>
        row.TemplateId ?? throw new InvalidOperationException("The store answered a row without its template to a per-template query.");

    private static string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
