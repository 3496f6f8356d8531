using PromotionEngine.Clearing.Facts;
using PromotionEngine.Clearing.Ledger;
using PromotionEngine.Clearing.Store;
using static PromotionEngine.Clearing.Tests.Store.ClickHouse.ClickHouseFacts;

namespace PromotionEngine.Clearing.Tests.Store.ClickHouse;

/// <summary>The port's queries on ClickHouse: local-time buckets over offset segments, top templates, statements, spent coupons.</summary>
[Trait("Category", "ClickHouse")]
public sealed class QueryingClickHouse : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateOnly Day = new(2026, 3, 10);
    private readonly ClickHouseTestDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    private static DateTimeOffset Utc(int day, int hour, int minute = 0) => new(2026, 3, day, hour, minute, 0, TimeSpan.Zero);

    private static long LocalEpoch(int day, int hour = 0) => new DateTimeOffset(2026, 3, day, hour, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    private Task AppendAsync(params ClearingFact[] facts) => AppendAsync(facts, []);

    private Task AppendAsync(IReadOnlyList<ClearingFact> facts, IReadOnlyList<LedgerEntry> entries) =>
        _db.Store.AppendAsync(new FactBatch(facts.Min(f => f.Seq), facts.Max(f => f.Seq), facts, entries), None);

    /// <summary>Los Angeles on 2026-03-08: UTC−8 until 10:00 UTC (02:00 local), UTC−7 after.</summary>
    private static readonly OffsetSegment[] LosAngelesMarch8 =
    [
        new(Utc(7, 8), Utc(8, 10), -8 * 3600),
        new(Utc(8, 10), Utc(9, 7), -7 * 3600),
    ];

    [Fact]
    public async Task Activity_puts_each_fact_in_the_local_day_of_the_segment_it_falls_in()
    {
        await AppendAsync(
            Claimed(1, at: Utc(8, 7, 30)), // 23:30 on the 7th, local
            Claimed(2, at: Utc(8, 9, 30)), // 01:30 on the 8th, before the change
            Claimed(3, at: Utc(8, 10, 30)), // 03:30 on the 8th, after it
            Claimed(4, template: 11, at: Utc(8, 11)),
            Claimed(5, at: Utc(9, 7)), // the 9th local, outside the segments
            Claimed(6, merchant: 2, at: Utc(8, 11)));

        var rows = await _db.Store.ActivityAsync(new ActivityQuery(1, null, LosAngelesMarch8, 86400, ByTemplate: false), None);

        Assert.Equal(
        [
            new ActivityRow(null, LocalEpoch(7), "CNY", Movements.Claimed, Channels.Claim, 1, 1, 0, 0, 0, 0),
            new ActivityRow(null, LocalEpoch(8), "CNY", Movements.Claimed, Channels.Claim, 3, 3, 0, 0, 0, 0),
        ], rows);
    }

    [Fact]
    public async Task Activity_per_template_and_hour_keeps_templates_apart_and_filters_one_when_asked()
    {
        await AppendAsync(
            Claimed(1, at: Utc(8, 9, 30)),
            Claimed(2, at: Utc(8, 9, 59)),
            Claimed(3, template: 11, at: Utc(8, 9, 45)),
            Spent(4, "o-1", 100, discount: 500, orderAmount: 3000, at: Utc(8, 10, 30)));

        var rows = await _db.Store.ActivityAsync(new ActivityQuery(1, null, LosAngelesMarch8, 3600, ByTemplate: true), None);
        var one = await _db.Store.ActivityAsync(new ActivityQuery(1, 11, LosAngelesMarch8, 3600, ByTemplate: true), None);

        Assert.Equal(
        [
            new ActivityRow(10, LocalEpoch(8, 1), "CNY", Movements.Claimed, Channels.Claim, 2, 2, 0, 0, 0, 0),
            new ActivityRow(10, LocalEpoch(8, 3), "CNY", Movements.DiscountSpent, Channels.Order, 1, 0, 500, 125, 375, 3000),
            new ActivityRow(11, LocalEpoch(8, 1), "CNY", Movements.Claimed, Channels.Claim, 1, 1, 0, 0, 0, 0),
        ], rows);
        Assert.Equal([new ActivityRow(11, LocalEpoch(8, 1), "CNY", Movements.Claimed, Channels.Claim, 1, 1, 0, 0, 0, 0)], one);
    }

    [Fact]
    public async Task Top_templates_rank_by_net_discount_within_the_range()
    {
        await AppendAsync(
            Spent(1, "o-1", 100, discount: 500, orderAmount: 3000),
            Fact(2, Movements.Consumed, 1, 10, Noon, coupons: 1, order: "o-1", userCoupon: 100),
            Fact(3, Movements.DiscountReturned, 1, 10, Noon.AddHours(1), discount: 100, order: "o-1", userCoupon: 100),
            Fact(4, Movements.DiscountClawedBack, 1, 10, Noon.AddHours(1), discount: 50, order: "o-1", userCoupon: 100),
            Spent(5, "o-2", 101, discount: 300, orderAmount: 1000, template: 11),
            Spent(6, "o-3", 102, discount: 900, orderAmount: 1000, template: 12, at: Noon.AddDays(-2)),
            Spent(7, "o-4", 103, discount: 900, orderAmount: 1000, template: 13, merchant: 2));

        var top = await _db.Store.TopTemplatesAsync(1, Noon.AddHours(-1), Noon.AddHours(2), 5, None);
        var first = await _db.Store.TopTemplatesAsync(1, Noon.AddHours(-1), Noon.AddHours(2), 1, None);

        Assert.Equal([new TemplateSpend(10, "CNY", 350, 1, 3000), new TemplateSpend(11, "CNY", 300, 0, 1000)], top);
        Assert.Equal([new TemplateSpend(10, "CNY", 350, 1, 3000)], first);
    }

    [Fact]
    public async Task A_day_statement_reads_balances_before_it_and_entries_on_it_with_adjustments_apart()
    {
        var before = Fact(1, Movements.DiscountSpent, 1, 10, Noon.AddDays(-1), discount: 500);
        var on = Fact(2, Movements.DiscountSpent, 1, 10, Noon, discount: 300);
        var late = Fact(3, Movements.DiscountSpent, 1, 10, Noon.AddDays(-2), discount: 70, postingDay: Day, originalDay: Day.AddDays(-2));
        var after = Fact(4, Movements.DiscountSpent, 1, 10, Noon.AddDays(1), discount: 1);
        var other = Fact(5, Movements.DiscountSpent, 2, 20, Noon.AddDays(-1), discount: 9);
        ClearingFact[] facts = [before, on, late, after, other];
        await AppendAsync(facts, [.. facts.SelectMany(f => Posting(f, "expense.merchant", "discount.given", f.Discount))]);

        var balances = await _db.Store.BalancesBeforeAsync(1, Day, None);
        var entries = await _db.Store.EntriesOnAsync(1, Day, None);
        var everyone = await _db.Store.BalancesBeforeAsync(null, Day, None);

        Assert.Equal(
        [
            new AccountAmount(1, "CNY", "MONEY", "discount.given", null, -500),
            new AccountAmount(1, "CNY", "MONEY", "expense.merchant", null, 500),
        ], balances);
        Assert.Equal(
        [
            new AccountAmount(1, "CNY", "MONEY", "discount.given", null, -300),
            new AccountAmount(1, "CNY", "MONEY", "discount.given", Day.AddDays(-2), -70),
            new AccountAmount(1, "CNY", "MONEY", "expense.merchant", null, 300),
            new AccountAmount(1, "CNY", "MONEY", "expense.merchant", Day.AddDays(-2), 70),
        ], entries);
        Assert.Equal(4, everyone.Count);
    }

    [Fact]
    public async Task The_trial_balance_sums_every_merchant_day_currency_and_unit()
    {
        var a = Fact(1, Movements.DiscountSpent, 1, 10, Noon, discount: 500);
        var b = Fact(2, Movements.Claimed, 1, 10, Noon, coupons: 1);
        var c = Fact(3, Movements.DiscountSpent, 2, 20, Noon.AddDays(1), discount: 5, currency: "USD");
        await AppendAsync([a, b, c],
        [
            .. Posting(a, "expense.merchant", "discount.given", 500),
            .. Posting(b, "coupons.outstanding", "coupons.issued", 1, LedgerUnits.Coupons),
            .. Posting(c, "expense.merchant", "discount.given", 5),
        ]);

        var rows = await _db.Store.TrialBalanceAsync(Day, Day.AddDays(1), None);
        var first = await _db.Store.TrialBalanceAsync(Day, Day, None);

        Assert.Equal(
        [
            new TrialBalanceRow(1, Day, "CNY", LedgerUnits.Coupons, 0, 2),
            new TrialBalanceRow(1, Day, "CNY", LedgerUnits.Money, 0, 2),
            new TrialBalanceRow(2, Day.AddDays(1), "USD", LedgerUnits.Money, 0, 2),
        ], rows);
        Assert.Equal(2, first.Count);
    }

    [Fact]
    public async Task Spent_lists_each_order_and_coupon_paid_in_the_range_with_what_refunds_took_back_since()
    {
        var odd = "o-'\t\\\n;--"; // quotes, tab, backslash, newline: sent as TSV, read back as JSON
        await AppendAsync(
            Spent(1, "o-1", 100, discount: 500, orderAmount: 3000, at: Noon.AddTicks(1234567)),
            Fact(2, Movements.DiscountReturned, 1, 10, Noon.AddDays(3), discount: 100, order: "o-1", userCoupon: 100),
            Fact(3, Movements.DiscountClawedBack, 1, 10, Noon.AddDays(3), discount: 50, order: "o-1", userCoupon: 100),
            Fact(4, Movements.Restored, 1, 10, Noon.AddDays(3), coupons: 1, order: "o-1", userCoupon: 100),
            Spent(5, odd, 101, discount: 300, orderAmount: 1000, template: 11),
            Spent(6, "o-3", 102, discount: 900, orderAmount: 1000, at: Noon.AddDays(-1)),
            Spent(7, "o-4", 103, discount: 70, orderAmount: 1000, merchant: 2),
            Fact(8, Movements.Restored, 1, 10, Noon.AddDays(3), coupons: 1, order: "o-other", userCoupon: 101));

        var spent = await _db.Store.SpentAsync(Noon.AddHours(-1), Noon.AddHours(1), 1, None).ToListAsync();
        var everyone = await _db.Store.SpentAsync(Noon.AddHours(-1), Noon.AddHours(1), null, None).ToListAsync();

        Assert.Equal(
        [
            new ClearedCoupon(odd, 101, 11, 1, "CNY", 300, Noon, 0, 0, false), // ordered by order id, ordinally: ' before 1
            new ClearedCoupon("o-1", 100, 10, 1, "CNY", 500, Noon.AddTicks(1234567), 100, 50, true),
        ], spent);
        Assert.Equal([odd, "o-1", "o-4"], everyone.Select(c => c.OrderId));
    }

    [Fact]
    public async Task Sums_beyond_a_double_s_precision_come_back_exact_though_18_16_sends_them_as_strings()
    {
        const long huge = 9_007_199_254_740_993; // 2^53 + 1: a JSON number read as a double would lose the 1
        await AppendAsync(Fact(1, Movements.DiscountSpent, 1, 10, Noon, discount: huge), Fact(2, Movements.DiscountSpent, 1, 10, Noon, discount: 2));

        var totals = await _db.Store.TotalsAsync(None);

        Assert.Equal(huge + 2, totals.Discount);
    }
}
