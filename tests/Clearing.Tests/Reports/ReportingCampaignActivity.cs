using NodaTime;
using PromotionEngine.Clearing.Facts;
using PromotionEngine.Clearing.Reports;
using PromotionEngine.Contracts.Http.Clearing;

namespace PromotionEngine.Clearing.Tests.Reports;

/// <summary>A merchant's campaign figures per template and local day or hour, from the analytic store's movements.</summary>
public class ReportingCampaignActivity
{
    private const long Merchant = 7;
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);
    private readonly InMemoryAnalyticStore _store = new();

    private CampaignReports Reports => new(_store);

    private static ReportCalendar Days(string zone, DateOnly from, DateOnly to) => ReportCalendar.For(DateTimeZoneProviders.Tzdb[zone], from, to);

    private static readonly DateOnly June18 = new(2026, 6, 18);

    private static DateTimeOffset AtBeijing(int day, int hour, int minute = 0, int second = 0) => new(2026, 6, day, hour, minute, second, Beijing);

    [Fact]
    public async Task Each_figure_counts_its_movements()
    {
        var at = AtBeijing(18, 10);
        _store.Add(AFact.Claimed(at), AFact.Claimed(at), AFact.Claimed(at), AFact.Distributed(at), AFact.Distributed(at),
            AFact.Of(Movements.Locked, at), AFact.Of(Movements.Locked, at), AFact.Of(Movements.Locked, at),
            AFact.Of(Movements.Released, at), AFact.Of(Movements.Consumed, at), AFact.Of(Movements.Consumed, at),
            AFact.Of(Movements.Expired, at, channel: Channels.Template), AFact.Of(Movements.Restored, at),
            AFact.Spent(at, discount: 2000, platformPart: 600, orderAmount: 12_000), AFact.Spent(at, discount: 2000, platformPart: 600,
                orderAmount: 10_001),
            AFact.Of(Movements.DiscountAllocated, at, discount: 2000, platformPart: 600, orderAmount: 12_000, coupons: 0),
            AFact.Returned(at, discount: 500, platformPart: 150), AFact.ClawedBack(at, discount: 300, platformPart: 90),
            AFact.Of(Movements.Terminated, at, channel: Channels.Template, coupons: 0));

        var report = await Reports.ActivityAsync(Merchant, Days("Asia/Shanghai", June18, June18), Granularity.Day, null, default);

        var row = Assert.Single(report.Rows);
        Assert.Equal(("1", June18, "CNY"), (row.TemplateId, row.Date, row.Currency));
        Assert.Equal(new CampaignFigures(Issued: 5, Claimed: 3, Distributed: 2, Locked: 3, Used: 2, Expired: 1, Refunded: 1, RedemptionRate: 0.4m,
            DiscountSpent: 4000, DiscountReturned: 500, DiscountClawedBack: 300, DiscountGiven: 3200, MerchantFunded: 2800 - 350 - 210,
            PlatformFunded: 1200 - 150 - 90, Orders: 2, OrderValue: 22_001, AverageOrderValue: 11_001), row.Figures);
        Assert.Equal(row.Figures, Assert.Single(report.Templates).Figures);
        Assert.Equal(row.Figures, Assert.Single(report.Totals).Figures);
    }

    [Fact]
    public async Task A_hold_or_a_refund_that_ends_after_the_coupons_validity_counts_as_expired()
    {
        var at = AtBeijing(18, 10);
        _store.Add(AFact.Of(Movements.Released, at, status: "EXPIRED"), AFact.Of(Movements.Released, at, status: "AVAILABLE"),
            AFact.Of(Movements.Restored, at, status: "EXPIRED"), AFact.Of(Movements.Restored, at, status: "AVAILABLE"),
            AFact.Of(Movements.Expired, at, channel: Channels.Template));

        var report = await Reports.ActivityAsync(Merchant, Days("Asia/Shanghai", June18, June18), Granularity.Day, null, default);

        var figures = Assert.Single(report.Rows).Figures;
        Assert.Equal((3L, 2L), (figures.Expired, figures.Refunded));
    }

    [Fact]
    public async Task A_movement_counts_on_its_local_day_not_its_utc_day()
    {
        _store.Add(AFact.Claimed(AtBeijing(17, 23, 59, 59)), AFact.Claimed(AtBeijing(18, 0)), AFact.Claimed(AtBeijing(18, 23, 59, 59)),
            AFact.Claimed(AtBeijing(19, 0)));

        var report = await Reports.ActivityAsync(Merchant, Days("Asia/Shanghai", June18, June18), Granularity.Day, null, default);

        var row = Assert.Single(report.Rows);
        Assert.Equal(2, row.Figures.Claimed);
        Assert.Equal((AtBeijing(18, 0), AtBeijing(19, 0)), (row.Start, row.End));
        Assert.Equal(Beijing, row.Start.Offset);
    }

    [Fact]
    public async Task A_day_of_25_hours_is_one_row_from_midnight_to_midnight()
    {
        var edt = TimeSpan.FromHours(-4);
        var est = TimeSpan.FromHours(-5);
        var day = new DateOnly(2026, 11, 1);
        _store.Add(AFact.Claimed(new(2026, 11, 1, 0, 30, 0, edt)), AFact.Claimed(new(2026, 11, 1, 1, 30, 0, edt)),
            AFact.Claimed(new(2026, 11, 1, 1, 30, 0, est)), AFact.Claimed(new(2026, 11, 1, 23, 30, 0, est)), AFact.Claimed(new(2026, 11, 2, 0, 0,
                0, est)));

        var report = await Reports.ActivityAsync(Merchant, Days("America/New_York", day, day), Granularity.Day, null, default);

        var row = Assert.Single(report.Rows);
        Assert.Equal(4, row.Figures.Claimed);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, edt), row.Start);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 0, 0, 0, est), row.End);
        Assert.Equal(TimeSpan.FromHours(25), row.End - row.Start);
        Assert.Single(_store.Asked); // one query over both offsets
    }

    [Fact]
    public async Task The_hour_a_fall_back_repeats_is_two_rows_told_apart_by_their_offset()
    {
        var day = new DateOnly(2026, 11, 1);
        _store.Add(AFact.Claimed(new(2026, 11, 1, 1, 30, 0, TimeSpan.FromHours(-4))), AFact.Claimed(new(2026, 11, 1, 1, 10, 0,
            TimeSpan.FromHours(-5))),
            AFact.Claimed(new(2026, 11, 1, 1, 20, 0, TimeSpan.FromHours(-5))));

        var report = await Reports.ActivityAsync(Merchant, Days("America/New_York", day, day), Granularity.Hour, null, default);

        Assert.Equal([(-4, 1L), (-5, 2L)], report.Rows.Select(r => ((int)r.Start.Offset.TotalHours, r.Figures.Claimed)));
        Assert.All(report.Rows, r => Assert.Equal((1, TimeSpan.FromHours(1)), (r.Start.Hour, r.End - r.Start)));
        Assert.Equal(3, Assert.Single(report.Totals).Figures.Claimed);
        Assert.Equal("HOUR", report.Granularity);
    }

    [Fact]
    public async Task A_local_hour_in_Kathmandu_starts_at_a_quarter_past_the_utc_hour()
    {
        _store.Add(AFact.Claimed(new(2026, 6, 18, 6, 14, 59, TimeSpan.Zero)), AFact.Claimed(new(2026, 6, 18, 6, 15, 0, TimeSpan.Zero)));

        var report = await Reports.ActivityAsync(Merchant, Days("Asia/Kathmandu", June18, June18), Granularity.Hour, null, default);

        Assert.Equal([11, 12], report.Rows.Select(r => r.Start.Hour));
        Assert.Equal(new DateTimeOffset(2026, 6, 18, 6, 15, 0, TimeSpan.Zero), report.Rows[1].Start);
    }

    [Fact]
    public async Task Amounts_of_different_currencies_are_never_added()
    {
        var at = AtBeijing(18, 12);
        _store.Add(AFact.Spent(at, 2000, 0, 10_000, template: 1, currency: "CNY"), AFact.Spent(at, 300, 0, 4_000, template: 2, currency: "USD"),
            AFact.Spent(at, 1000, 0, 6_000, template: 3, currency: "CNY"));

        var report = await Reports.ActivityAsync(Merchant, Days("Asia/Shanghai", June18, June18), Granularity.Day, null, default);

        Assert.Equal([("CNY", 3000L, 16_000L), ("USD", 300L, 4_000L)],
            report.Totals.Select(t => (t.Currency, t.Figures.DiscountGiven, t.Figures.OrderValue)));
        Assert.Equal(["1", "2", "3"], report.Templates.Select(t => t.TemplateId));
    }

    [Fact]
    public async Task Only_the_merchants_own_and_the_asked_templates_movements_count()
    {
        var at = AtBeijing(18, 12);
        _store.Add(AFact.Claimed(at, template: 1), AFact.Claimed(at, template: 2), AFact.Claimed(at, template: 9, merchant: 8));

        var all = await Reports.ActivityAsync(Merchant, Days("Asia/Shanghai", June18, June18), Granularity.Day, null, default);
        var one = await Reports.ActivityAsync(Merchant, Days("Asia/Shanghai", June18, June18), Granularity.Day, 2, default);

        Assert.Equal(["1", "2"], all.Rows.Select(r => r.TemplateId));
        Assert.Equal(["2"], one.Rows.Select(r => r.TemplateId));
    }

    [Fact]
    public async Task A_refund_after_the_spend_day_makes_that_days_discount_negative_and_the_range_net()
    {
        _store.Add(AFact.Spent(AtBeijing(18, 12), 2000, 600, 12_000), AFact.Returned(AtBeijing(19, 9), 2000, 600));

        var report = await Reports.ActivityAsync(Merchant, Days("Asia/Shanghai", June18, June18.AddDays(1)), Granularity.Day, null, default);

        Assert.Equal([2000L, -2000L], report.Rows.Select(r => r.Figures.DiscountGiven));
        Assert.Equal([(2000L, 600L), (-2000L, -600L)], report.Rows.Select(r => (r.Figures.DiscountGiven, r.Figures.PlatformFunded)));
        Assert.Equal((0L, 0L, 0L), (report.Totals[0].Figures.DiscountGiven, report.Totals[0].Figures.MerchantFunded,
            report.Totals[0].Figures.PlatformFunded));
    }

    [Fact]
    public async Task Rates_and_averages_are_null_over_nothing_and_rounded_half_away_from_zero()
    {
        var at = AtBeijing(18, 12);
        _store.Add(AFact.Of(Movements.Consumed, at), AFact.Spent(at, 100, 0, 3), AFact.Spent(at, 100, 0, 2),
            AFact.Claimed(at, template: 2), AFact.Claimed(at, template: 2), AFact.Claimed(at, template: 2), AFact.Of(Movements.Consumed, at,
                template: 2));

        var report = await Reports.ActivityAsync(Merchant, Days("Asia/Shanghai", June18, June18), Granularity.Day, null, default);

        var (first, second) = (report.Rows[0].Figures, report.Rows[1].Figures);
        Assert.Null(first.RedemptionRate); // used, but nothing issued that day
        Assert.Equal(3, first.AverageOrderValue); // 5 / 2 = 2.5
        Assert.Equal(0.3333m, second.RedemptionRate);
        Assert.Null(second.AverageOrderValue);
    }

    [Fact]
    public async Task Nothing_in_the_range_is_an_empty_report()
    {
        _store.Add(AFact.Claimed(AtBeijing(17, 12)));

        var report = await Reports.ActivityAsync(Merchant, Days("Asia/Shanghai", June18, June18), Granularity.Day, null, default);

        Assert.Equal(("Asia/Shanghai", June18, June18, "DAY"), (report.TimeZone, report.From, report.To, report.Granularity));
        Assert.Empty(report.Rows);
        Assert.Empty(report.Totals);
    }

    [Fact]
    public async Task A_day_the_zone_skipped_asks_the_store_nothing()
    {
        var skipped = new DateOnly(2011, 12, 30); // Samoa went from the 29th to the 31st

        var report = await Reports.ActivityAsync(Merchant, Days("Pacific/Apia", skipped, skipped), Granularity.Day, null, default);

        Assert.Empty(report.Rows);
        Assert.Empty(_store.Asked);
    }
}
