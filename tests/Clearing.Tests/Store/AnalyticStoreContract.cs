using PromotionEngine.Clearing.Facts;
using PromotionEngine.Clearing.Ledger;
using PromotionEngine.Clearing.Store;
using static PromotionEngine.Clearing.Tests.Facts;

namespace PromotionEngine.Clearing.Tests.Store;

/// <summary>
/// What every analytic store does, whatever it is built on: idempotent appends that move the watermark (again, overlapping,
/// after a crash), the reset, and every query of the port. Each adapter's tests derive from it and say how to make an empty
/// store and what a crash in the middle of an append leaves behind.
/// </summary>
public abstract partial class AnalyticStoreContract : IAsyncLifetime
{
    private static readonly DateTimeOffset June18 = new(2026, 6, 18, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Day18 = new(2026, 6, 18);

    private IAnalyticStore? _store;

    internal IAnalyticStore Store => _store ?? throw new InvalidOperationException("The store is made in InitializeAsync.");

    /// <summary>An empty store of the adapter under test, its schema not yet ensured.</summary>
    internal abstract Task<IAnalyticStore> CreateStoreAsync();

    /// <summary>Leaves <paramref name="store"/> as a process killed in the middle of appending <paramref name="batch"/> would.</summary>
    internal abstract Task CrashMidAppendAsync(IAnalyticStore store, FactBatch batch);

    /// <summary>Frees what <see cref="CreateStoreAsync"/> made.</summary>
    internal abstract Task DropStoreAsync(IAnalyticStore store);

    public async Task InitializeAsync()
    {
        _store = await CreateStoreAsync();
        await _store.EnsureSchemaAsync(CancellationToken.None);
        await _store.EnsureSchemaAsync(CancellationToken.None); // at every start: a second call changes nothing
    }

    public Task DisposeAsync() => _store is null ? Task.CompletedTask : DropStoreAsync(_store);

    [Fact]
    public async Task An_empty_store_holds_nothing_and_its_watermark_is_zero()
    {
        Assert.Equal(0, await Store.WatermarkAsync(default));
        Assert.Equal(new FactTotals(0, 0, 0, 0, 0), await Store.TotalsAsync(default));
    }

    [Fact]
    public async Task An_append_stores_the_facts_and_entries_and_moves_the_watermark()
    {
        var batch = Batch([Coupon(1, Movements.Claimed, June18), Money(2, Movements.DiscountSpent, June18, 2000, 3000)]);
        await Store.AppendAsync(batch, default);
        Assert.Equal(2, await Store.WatermarkAsync(default));
        Assert.Equal(new FactTotals(2, batch.Entries.Count, 1, 2000, 2), await Store.TotalsAsync(default));
    }

    [Fact]
    public async Task A_batch_appended_again_or_overlapping_is_stored_once()
    {
        var facts = Enumerable.Range(1, 30).Select(i => Coupon(i, Movements.Claimed, June18.AddMinutes(i))).ToList();
        await Store.AppendAsync(Batch(facts[..20]), default);
        await Store.AppendAsync(Batch(facts[..20]), default);
        await Store.AppendAsync(Batch(facts[10..]), default);
        await Store.AppendAsync(Batch(facts[10..]), default);
        Assert.Equal(new FactTotals(30, 60, 30, 0, 30), await Store.TotalsAsync(default));
    }

    [Fact]
    public async Task A_crash_in_the_middle_of_an_append_replayed_leaves_every_fact_once()
    {
        var facts = Enumerable.Range(1, 40).Select(i => Money(i, Movements.DiscountSpent, June18.AddMinutes(i), 100 + i, 2500)).ToList();
        await Store.AppendAsync(Batch(facts[..10]), default);
        await CrashMidAppendAsync(Store, Batch(facts[10..]));
        await Store.AppendAsync(Batch(facts[10..]), default);
        var totals = await Store.TotalsAsync(default);
        Assert.Equal((40L, 40L, facts.Sum(f => f.Discount)), (totals.Facts, totals.Watermark, totals.Discount));
        Assert.Equal(facts.SelectMany(Posting.For).Count(), totals.Entries);
    }

    [Fact]
    public async Task A_reset_removes_every_fact_entry_and_the_watermark()
    {
        await Store.AppendAsync(Batch([Coupon(1, Movements.Claimed, June18)]), default);
        await Store.ResetAsync(default);
        Assert.Equal(new FactTotals(0, 0, 0, 0, 0), await Store.TotalsAsync(default));
        await Store.AppendAsync(Batch([Coupon(1, Movements.Claimed, June18)]), default); // a rebuild starts again from seq 1
        Assert.Equal(1, (await Store.TotalsAsync(default)).Facts);
    }

    [Fact]
    public async Task Activity_falls_in_local_buckets_of_each_segments_offset()
    {
        // Shanghai (+8): 2026-06-18T15:30Z is local 23:30 on the 18th, 16:30Z is local 00:30 on the 19th.
        await Store.AppendAsync(Batch(
        [
            Coupon(1, Movements.Claimed, June18.AddHours(15.5)),
            Coupon(2, Movements.Claimed, June18.AddHours(16.5), channel: Channels.Distribution),
            Coupon(3, Movements.Claimed, June18.AddHours(16.6), template: 71),
            Coupon(4, Movements.Claimed, June18.AddHours(16.7), merchant: 8),
            Money(5, Movements.DiscountSpent, June18.AddHours(17), 1000, 5000, orderAmount: 9000),
        ]), default);
        var day = 86_400L;
        var local18 = new DateTimeOffset(2026, 6, 18, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var query = new ActivityQuery(7, null, [new OffsetSegment(June18, June18.AddDays(2), 8 * 3600)], (int)day, ByTemplate: false);

        var rows = await Store.ActivityAsync(query, default);

        Assert.Equal(
        [
            new ActivityRow(null, local18, Cny, Movements.Claimed, Channels.Claim, 1, 1, 0, 0, 0, 0),
            new ActivityRow(null, local18 + day, Cny, Movements.Claimed, Channels.Claim, 1, 1, 0, 0, 0, 0),
            new ActivityRow(null, local18 + day, Cny, Movements.Claimed, Channels.Distribution, 1, 1, 0, 0, 0, 0),
            new ActivityRow(null, local18 + day, Cny, Movements.DiscountSpent, Channels.Order, 1, 0, 1000, 500, 500, 9000),
        ], rows);

        var perTemplate = await Store.ActivityAsync(query with { ByTemplate = true, TemplateId = 71 }, default);
        Assert.Equal([new ActivityRow(71, local18 + day, Cny, Movements.Claimed, Channels.Claim, 1, 1, 0, 0, 0, 0)], perTemplate);

        // A change of offset inside the range (DST): each segment buckets its own facts with its own offset.
        var split = query with
        {
            Segments = [new OffsetSegment(June18, June18.AddHours(16), 8 * 3600), new OffsetSegment(June18.AddHours(16), June18.AddDays(2), 0)],
        };
        var claimed = (await Store.ActivityAsync(split, default)).Where(r => r.Movement == Movements.Claimed)
            .Select(r => (r.BucketStart, r.Channel, r.Facts));
        Assert.Equal([(local18, Channels.Claim, 2L), (local18, Channels.Distribution, 1L)], claimed);
        Assert.Empty(await Store.ActivityAsync(query with { Segments = [new OffsetSegment(June18.AddDays(3), June18.AddDays(4), 0)] }, default));
    }

    [Fact]
    public async Task Top_templates_rank_by_net_discount_within_the_range()
    {
        await Store.AppendAsync(Batch(
        [
            Coupon(1, Movements.Consumed, June18.AddHours(1), template: 70),
            Money(2, Movements.DiscountSpent, June18.AddHours(1), 3000, template: 70, orderAmount: 20_000),
            Money(3, Movements.DiscountReturned, June18.AddHours(2), 2500, template: 70),
            Money(4, Movements.DiscountSpent, June18.AddHours(1), 1000, template: 71, orderAmount: 5_000),
            Money(5, Movements.DiscountSpent, June18.AddHours(1), 800, template: 72, orderAmount: 4_000),
            Money(6, Movements.DiscountClawedBack, June18.AddHours(3), 100, template: 72),
            Money(7, Movements.DiscountSpent, June18.AddHours(1), 9999, template: 73, merchant: 8),
            Money(8, Movements.DiscountSpent, June18.AddDays(5), 9999, template: 74),
        ]), default);

        var top = await Store.TopTemplatesAsync(7, June18, June18.AddDays(1), 2, default);

        Assert.Equal([new TemplateSpend(71, Cny, 1000, 0, 5_000), new TemplateSpend(72, Cny, 700, 0, 4_000)], top);
        var all = await Store.TopTemplatesAsync(7, June18, June18.AddDays(1), 10, default);
        Assert.Equal(new TemplateSpend(70, Cny, 500, 1, 20_000), all[^1]);
    }

    [Fact]
    public async Task Top_templates_are_at_most_the_limit_in_each_currency()
    {
        var usd = Money(4, Movements.DiscountSpent, June18.AddHours(1), 25, template: 73) with { Currency = "USD" };
        await Store.AppendAsync(Batch(
        [
            Money(1, Movements.DiscountSpent, June18.AddHours(1), 9000, template: 70),
            Money(2, Movements.DiscountSpent, June18.AddHours(1), 3000, template: 71),
            Money(3, Movements.DiscountSpent, June18.AddHours(1), 1000, template: 72),
            usd,
        ]), default);

        var top = await Store.TopTemplatesAsync(7, June18, June18.AddDays(1), 2, default);

        Assert.Equal([(70L, Cny), (71L, Cny), (73L, "USD")], top.Select(t => (t.TemplateId, t.Currency)));
    }

    [Fact]
    public async Task Balances_before_a_day_and_entries_on_it_name_adjustments_by_their_original_day()
    {
        await Store.AppendAsync(Batch(
        [
            Coupon(1, Movements.Claimed, June18.AddHours(1)),
            Coupon(2, Movements.Claimed, June18.AddHours(2), merchant: 8),
            Coupon(3, Movements.Claimed, June18.AddHours(3)),
            Coupon(4, Movements.Locked, June18.AddHours(23), postingDay: Day18.AddDays(1), originalDay: Day18), // late: the 18th was closed
            Money(5, Movements.DiscountSpent, June18.AddHours(25), 1000, 2000),
        ]), default);

        var before = await Store.BalancesBeforeAsync(7, Day18.AddDays(1), default);
        Assert.Equal(
        [
            new AccountAmount(7, Cny, LedgerUnits.Coupons, Accounts.CouponsIssued, null, -2),
            new AccountAmount(7, Cny, LedgerUnits.Coupons, Accounts.CouponsOutstanding, null, 2),
        ], before);
        Assert.Equal(3, (await Store.BalancesBeforeAsync(null, Day18.AddDays(1), default)).Sum(b => Math.Abs(b.Amount)) / 2);

        var on = await Store.EntriesOnAsync(7, Day18.AddDays(1), default);
        Assert.Equal(
        [
            new AccountAmount(7, Cny, LedgerUnits.Coupons, Accounts.CouponsLocked, Day18, 1),
            new AccountAmount(7, Cny, LedgerUnits.Coupons, Accounts.CouponsOutstanding, Day18, -1),
            new AccountAmount(7, Cny, LedgerUnits.Money, Accounts.DiscountGiven, null, -1000),
            new AccountAmount(7, Cny, LedgerUnits.Money, Accounts.MerchantExpense, null, 800),
            new AccountAmount(7, Cny, LedgerUnits.Money, Accounts.PlatformSubsidy, null, 200),
        ], on);
        Assert.Empty(await Store.EntriesOnAsync(8, Day18.AddDays(1), default));
        var ledger = await Store.DayLedgerAsync(7, Day18.AddDays(1), default); // what a statement reads, in one go
        Assert.Equal(before, ledger.Before);
        Assert.Equal(on, ledger.On);
        Assert.Equal(
            await Store.BalancesBeforeAsync(null, Day18.AddDays(1), default), (await Store.DayLedgerAsync(null, Day18.AddDays(1), default)).Before);
    }

    [Fact]
    public async Task The_trial_balance_sums_every_merchant_day_currency_and_unit_to_zero()
    {
        await Store.AppendAsync(Batch(
        [
            Coupon(1, Movements.Claimed, June18.AddHours(1)),
            Coupon(2, Movements.Locked, June18.AddHours(2)),
            Coupon(3, Movements.Consumed, June18.AddHours(3)),
            Money(4, Movements.DiscountSpent, June18.AddHours(3), 1000, 3333),
            Money(5, Movements.DiscountClawedBack, June18.AddHours(30), 100, 3333),
            Coupon(6, Movements.Claimed, June18.AddHours(1), merchant: 8),
        ]), default);

        var rows = await Store.TrialBalanceAsync(Day18, Day18.AddDays(1), default);

        Assert.Equal(
        [
            new TrialBalanceRow(7, Day18, Cny, LedgerUnits.Coupons, 0, 6),
            new TrialBalanceRow(7, Day18, Cny, LedgerUnits.Money, 0, 3),
            new TrialBalanceRow(7, Day18.AddDays(1), Cny, LedgerUnits.Money, 0, 3),
            new TrialBalanceRow(8, Day18, Cny, LedgerUnits.Coupons, 0, 2),
        ], rows);
        Assert.Single(await Store.TrialBalanceAsync(Day18.AddDays(1), Day18.AddDays(1), default));
    }

    [Fact]
    public async Task Spent_coupons_come_with_what_refunds_took_back_and_whether_they_were_restored()
    {
        await Store.AppendAsync(Batch(
        [
            Money(1, Movements.DiscountSpent, June18.AddHours(1), 2000, coupon: 700, order: "ord-a", orderAmount: 12_000),
            Money(2, Movements.DiscountSpent, June18.AddHours(1), 500, coupon: 701, order: "ord-a", orderAmount: 12_000),
            Money(3, Movements.DiscountReturned, June18.AddHours(5), 1000, coupon: 700, order: "ord-a"),
            Money(4, Movements.DiscountClawedBack, June18.AddHours(5), 300, coupon: 700, order: "ord-a"),
            Money(5, Movements.DiscountReturned, June18.AddDays(3), 700, coupon: 700, order: "ord-a"), // a refund days later still counts
            Coupon(6, Movements.Restored, June18.AddDays(3), coupon: 700, order: "ord-a", status: "AVAILABLE"),
            Money(7, Movements.DiscountSpent, June18.AddHours(2), 900, coupon: 702, order: "ord-b", merchant: 8),
            Money(8, Movements.DiscountSpent, June18.AddDays(1).AddHours(1), 100, coupon: 703, order: "ord-c"), // paid the next day
        ]), default);

        var cleared = await ToListAsync(Store.SpentAsync(June18, June18.AddDays(1), null, default));

        Assert.Equal(
        [
            new ClearedCoupon("ord-a", 700, 70, 7, Cny, 2000, June18.AddHours(1), 1700, 300, true),
            new ClearedCoupon("ord-a", 701, 70, 7, Cny, 500, June18.AddHours(1), 0, 0, false),
            new ClearedCoupon("ord-b", 702, 70, 8, Cny, 900, June18.AddHours(2), 0, 0, false),
        ], cleared);
        Assert.Equal(["ord-b"], (await ToListAsync(Store.SpentAsync(June18, June18.AddDays(1), 8, default))).Select(c => c.OrderId));
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items) list.Add(item);
        return list;
    }
}
