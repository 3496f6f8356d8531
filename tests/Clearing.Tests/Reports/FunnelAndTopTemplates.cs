using NodaTime;
using PromotionEngine.Clearing.Facts;
using PromotionEngine.Clearing.Reports;

namespace PromotionEngine.Clearing.Tests.Reports;

/// <summary>One template's funnel over a range, and the merchant's templates ranked by the net discount they gave.</summary>
public class FunnelAndTopTemplates
{
    private const long Merchant = 7;
    private static readonly DateOnly June1 = new(2026, 6, 1);
    private static readonly DateOnly June30 = new(2026, 6, 30);
    private static readonly DateTimeOffset At = new(2026, 6, 18, 12, 0, 0, TimeSpan.FromHours(8));
    private readonly InMemoryAnalyticStore _store = new();

    private static ReportCalendar June => ReportCalendar.For(DateTimeZoneProviders.Tzdb["Asia/Shanghai"], June1, June30);

    [Fact]
    public async Task The_funnel_counts_each_step_and_its_rate_and_never_knows_exposures()
    {
        _store.Add(AFact.Claimed(At), AFact.Claimed(At), AFact.Claimed(At), AFact.Distributed(At), AFact.Of(Movements.Locked, At),
            AFact.Of(Movements.Locked, At), AFact.Of(Movements.Locked, At), AFact.Of(Movements.Consumed, At), AFact.Of(Movements.Consumed, At),
            AFact.Claimed(At, template: 2), AFact.Claimed(new DateTimeOffset(2026, 7, 1, 0, 0, 0, TimeSpan.FromHours(8))));

        var funnel = await new CampaignReports(_store).FunnelAsync(Merchant, 1, June, default);

        Assert.Null(funnel.Exposed);
        Assert.Equal(("1", "CNY", 4L, 3L, 1L, 3L, 2L), (funnel.TemplateId, funnel.Currency, funnel.Issued, funnel.Claimed, funnel.Distributed,
            funnel.Locked, funnel.Used));
        Assert.Equal((0.75m, 0.6667m, 0.5m), (funnel.LockRate, funnel.UseRate, funnel.RedemptionRate));
    }

    [Fact]
    public async Task Another_merchants_template_or_one_without_movements_has_a_funnel_of_zeros()
    {
        _store.Add(AFact.Claimed(At, template: 5, merchant: 8));

        var funnel = await new CampaignReports(_store).FunnelAsync(Merchant, 5, June, default);

        Assert.Equal((null, 0L, 0L, 0L), (funnel.Currency, funnel.Issued, funnel.Locked, funnel.Used));
        Assert.Equal((null, null, null), (funnel.LockRate, funnel.UseRate, funnel.RedemptionRate));
    }

    [Fact]
    public async Task Top_templates_rank_within_each_currency_by_net_discount()
    {
        _store.Add(AFact.Spent(At, 5000, 0, 30_000, template: 1), AFact.Returned(At, 4000, 0, template: 1),
            AFact.Spent(At, 3000, 0, 20_000, template: 2), AFact.Spent(At, 2500, 0, 15_000, template: 3, currency: "USD"),
            AFact.Of(Movements.Consumed, At, template: 2), AFact.Of(Movements.Consumed, At, template: 2),
            AFact.Spent(At, 9000, 0, 50_000, template: 4, currency: "CNY"));

        var top = await new CampaignReports(_store).TopAsync(Merchant, June, 10, default);

        Assert.Equal([(1, "4", "CNY", 9000L), (2, "2", "CNY", 3000L), (3, "1", "CNY", 1000L), (1, "3", "USD", 2500L)],
            top.Templates.Select(t => (t.Rank, t.TemplateId, t.Currency, t.DiscountGiven)));
        var second = top.Templates[1];
        Assert.Equal((2L, 20_000L, 10_000L), (second.Used, second.OrderValue, second.AverageOrderValue));
        Assert.Null(top.Templates[0].AverageOrderValue); // no CONSUMED movement seen for it
    }

    [Fact]
    public async Task The_limit_applies_within_each_currency_so_a_smaller_currency_is_not_crowded_out()
    {
        _store.Add(AFact.Spent(At, 9000, 0, 50_000, template: 4), AFact.Spent(At, 3000, 0, 20_000, template: 2),
            AFact.Spent(At, 1000, 0, 5_000, template: 1), AFact.Spent(At, 25, 0, 150, template: 3, currency: "USD"));

        var top = await new CampaignReports(_store).TopAsync(Merchant, June, 2, default);

        Assert.Equal([(1, "4", "CNY"), (2, "2", "CNY"), (1, "3", "USD")], top.Templates.Select(t => (t.Rank, t.TemplateId, t.Currency)));
    }

    [Fact]
    public async Task Top_templates_read_the_utc_span_of_the_local_range()
    {
        _store.Add(AFact.Spent(new DateTimeOffset(2026, 5, 31, 23, 59, 59, TimeSpan.FromHours(8)), 100, 0, 1_000, template: 1),
            AFact.Spent(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.FromHours(8)), 100, 0, 1_000, template: 2),
            AFact.Spent(new DateTimeOffset(2026, 6, 30, 23, 59, 59, TimeSpan.FromHours(8)), 100, 0, 1_000, template: 3),
            AFact.Spent(new DateTimeOffset(2026, 7, 1, 0, 0, 0, TimeSpan.FromHours(8)), 100, 0, 1_000, template: 4));

        var top = await new CampaignReports(_store).TopAsync(Merchant, June, 10, default);

        Assert.Equal(["2", "3"], top.Templates.Select(t => t.TemplateId));
    }
}
