using PromotionEngine.Clearing.Ledger;
using PromotionEngine.Clearing.Statements;
using static PromotionEngine.Clearing.Statements.LedgerAccounts;

namespace PromotionEngine.Clearing.Tests.Statements;

public sealed class ReadingADailyStatement
{
    private const long Merchant = 7;
    private static readonly DateOnly Day17 = new(2026, 6, 17);
    private static readonly DateOnly Day18 = new(2026, 6, 18);
    private static readonly DateOnly Day19 = new(2026, 6, 19);
    private readonly InMemoryAnalyticStore _store = new();
    private readonly InMemoryClearingCalendar _calendar = new();

    private async Task<DailyStatement> StatementAsync(DateOnly day, long merchant = Merchant) =>
        await new ReadStatement(_store, _calendar).HandleAsync(merchant, day, CancellationToken.None) switch
        {
            StatementOutcome.Ready r => r.Statement,
            var other => throw new Xunit.Sdk.XunitException($"Not ready: {other}"),
        };

    private Task StoreAsync(Postings p) => _store.AppendAsync(p.Entries, p.LastSeq);

    private static AccountLine Line(CurrencyStatement c, string account) => c.Accounts.Single(a => a.Account == account);

    [Fact]
    public async Task Opening_is_everything_posted_before_the_day_and_movements_what_was_posted_on_it()
    {
        var p = new Postings(Merchant).On(Day17).Claimed(5).Locked(2).On(Day18).Claimed(3).Locked(1).On(Day19).Claimed(100);
        await StoreAsync(p);

        var cny = Assert.Single((await StatementAsync(Day18)).Currencies);

        Assert.Equal(new AccountLine(LedgerUnits.Coupons, CouponsIssued, -5, -3, 0, -8), Line(cny, CouponsIssued));
        Assert.Equal(new AccountLine(LedgerUnits.Coupons, CouponsOutstanding, 3, 2, 0, 5), Line(cny, CouponsOutstanding));
        Assert.Equal(new AccountLine(LedgerUnits.Coupons, CouponsLocked, 2, 1, 0, 3), Line(cny, CouponsLocked));
        Assert.Equal([CouponsIssued, CouponsOutstanding, CouponsLocked], cny.Accounts.Select(a => a.Account));
    }

    [Fact]
    public async Task Merchant_bears_and_platform_subsidises_the_discount_they_fund_net_of_returns_and_claw_backs()
    {
        // A 30% platform split: 2 000 spent twice, 2 000 returned once, 500 clawed back.
        var p = new Postings(Merchant).On(Day18).Spent(2_000, platformPart: 600).Spent(2_000, platformPart: 600)
            .Returned(2_000, platformPart: 600).ClawedBack(500, platformPart: 150);
        await StoreAsync(p);

        var cny = Assert.Single((await StatementAsync(Day18)).Currencies);

        Assert.Equal(2_800 - 1_400 - 350, cny.MerchantBears);
        Assert.Equal(1_200 - 600 - 150, cny.PlatformSubsidises);
        Assert.Equal(-4_000, Line(cny, DiscountGiven).Movements);
        Assert.Equal(2_000, Line(cny, DiscountReturned).Movements);
        Assert.Equal(500, Line(cny, DiscountClawedBack).Movements);
    }

    [Fact]
    public async Task Coupon_counts_are_the_days_issued_redeemed_and_expired_and_what_is_locked_and_outstanding_at_close()
    {
        var p = new Postings(Merchant).On(Day17).Claimed(10).Locked(4).Consumed(3)
            .On(Day18).Claimed(6).Locked(5).Released(1).Consumed(2).Restored(1).Expired(2);
        await StoreAsync(p);

        var counts = Assert.Single((await StatementAsync(Day18)).Currencies).Coupons;

        // Outstanding: 10 − 4 (17th), + 6 − 5 + 1 + 1 − 2 (18th) = 7; locked: 4 − 3 + 5 − 1 − 2 = 3.
        Assert.Equal(new CouponCounts(Issued: 6, Redeemed: 1, Expired: 2, LockedAtClose: 3, OutstandingAtClose: 7), counts);
    }

    [Fact]
    public async Task An_entry_posted_for_an_earlier_closed_day_is_an_adjustment_line_naming_that_day()
    {
        var p = new Postings(Merchant).On(Day17).Claimed().Locked().Consumed().Spent(2_000, 600)
            .On(Day18).Claimed()
            .On(Day18, originalDay: Day17).Restored().Returned(2_000, 600);
        await StoreAsync(p);

        var cny = Assert.Single((await StatementAsync(Day18)).Currencies);

        Assert.Equal(
            [
                new AdjustmentLine(Day17, LedgerUnits.Coupons, CouponsOutstanding, 1),
                new AdjustmentLine(Day17, LedgerUnits.Coupons, CouponsRedeemed, -1),
                new AdjustmentLine(Day17, LedgerUnits.Money, DiscountReturned, 2_000),
                new AdjustmentLine(Day17, LedgerUnits.Money, ExpenseMerchant, -1_400),
                new AdjustmentLine(Day17, LedgerUnits.Money, SubsidyPlatform, -600),
            ],
            cny.Adjustments);
        Assert.Equal(new AccountLine(LedgerUnits.Money, ExpenseMerchant, 1_400, 0, -1_400, 0), Line(cny, ExpenseMerchant));
        Assert.Equal(-1_400, cny.MerchantBears); // the adjustment is settled on the day it is posted
        Assert.Equal(1, cny.Coupons.Issued);
        Assert.Equal(-1, cny.Coupons.Redeemed);
    }

    [Fact]
    public async Task Each_currency_has_its_own_part_and_another_merchants_entries_are_not_in_it()
    {
        await StoreAsync(new Postings(Merchant, "CNY").On(Day18).Claimed(2));
        await StoreAsync(new Postings(Merchant, "USD").On(Day18).Claimed(1).Locked().Consumed().Spent(300));
        await StoreAsync(new Postings(Merchant + 1, "CNY").On(Day18).Claimed(50));

        var statement = await StatementAsync(Day18);

        Assert.Equal(["CNY", "USD"], statement.Currencies.Select(c => c.Currency));
        Assert.Equal(2, statement.Currencies[0].Coupons.Issued);
        Assert.Equal(300, statement.Currencies[1].MerchantBears);
        Assert.Equal(Merchant, statement.MerchantId);
    }

    [Fact]
    public async Task A_day_with_nothing_posted_before_or_on_it_has_no_currencies()
    {
        await StoreAsync(new Postings(Merchant).On(Day19).Claimed());

        var statement = await StatementAsync(Day18);

        Assert.Empty(statement.Currencies);
        Assert.Equal(DayState.Open, statement.State);
    }

    [Fact]
    public async Task An_account_back_to_zero_before_the_day_and_untouched_on_it_is_not_listed()
    {
        await StoreAsync(new Postings(Merchant).On(Day17).Claimed().Locked().Released().On(Day18).Claimed());

        var cny = Assert.Single((await StatementAsync(Day18)).Currencies);

        Assert.DoesNotContain(cny.Accounts, a => a.Account == CouponsLocked);
    }

    [Fact]
    public async Task A_closed_day_is_answered_only_once_the_store_holds_everything_posted_up_to_the_close()
    {
        var p = new Postings(Merchant).On(Day18).Claimed(2);
        await _store.AppendAsync(p.Entries.Take(2).ToList(), p.Entries[0].Seq); // the first claim ingested, the second not yet
        _calendar.JournalSeq = p.LastSeq;
        await _calendar.CloseAsync(Day18, new DateTimeOffset(2026, 6, 19, 0, 5, 0, TimeSpan.Zero), "ops", CancellationToken.None);

        var early = await new ReadStatement(_store, _calendar).HandleAsync(Merchant, Day18, CancellationToken.None);
        await StoreAsync(p);
        var statement = await StatementAsync(Day18);

        Assert.Equal(new StatementOutcome.NotYetIngested(Day18, p.LastSeq, p.Entries[0].Seq), early);
        Assert.Equal(DayState.Closed, statement.State);
        Assert.Equal(new DateTimeOffset(2026, 6, 19, 0, 5, 0, TimeSpan.Zero), statement.ClosedAt);
        Assert.Equal(2, statement.Currencies[0].Coupons.Issued);
    }

    [Fact]
    public async Task A_closed_days_statement_stays_the_same_when_a_late_event_of_it_lands_as_an_adjustment_on_the_next_open_day()
    {
        var p = new Postings(Merchant).On(Day18).Claimed(3).Locked(1).Consumed(1).Spent(2_000, 600);
        await StoreAsync(p);
        _calendar.JournalSeq = p.LastSeq;
        await _calendar.CloseAsync(Day18, new DateTimeOffset(2026, 6, 19, 0, 5, 0, TimeSpan.Zero), "ops", CancellationToken.None);
        var closed = await StatementAsync(Day18);

        // A refund of the 18th's order arrives on the 19th: the calendar posts it on the 19th, naming the 18th.
        var (posting, original) = _calendar.PostingDayOf(Day18);
        var late = new Postings(Merchant).On(posting, original).Restored().Returned(2_000, 600).On(Day19).Claimed();
        await StoreAsync(late);
        var after = await StatementAsync(Day18);
        var next = Assert.Single((await StatementAsync(Day19)).Currencies);

        Assert.Equivalent(closed, after, strict: true);
        Assert.Equal((Day19, (DateOnly?)Day18), (posting, original));
        Assert.All(next.Adjustments, a => Assert.Equal(Day18, a.OriginalDay));
        Assert.Equal(-1_400, next.MerchantBears);
        Assert.Equal(-600, next.PlatformSubsidises);
        Assert.Equal(Line(Assert.Single(closed.Currencies), ExpenseMerchant).Closing, Line(next, ExpenseMerchant).Opening);
    }
}
