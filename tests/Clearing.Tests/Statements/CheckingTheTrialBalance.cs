using PromotionEngine.Clearing.Ledger;
using PromotionEngine.Clearing.Statements;
using PromotionEngine.Clearing.Store;

namespace PromotionEngine.Clearing.Tests.Statements;

public sealed class CheckingTheTrialBalance
{
    private static readonly DateOnly Day17 = new(2026, 6, 17);
    private static readonly DateOnly Day18 = new(2026, 6, 18);
    private readonly InMemoryAnalyticStore _store = new();

    private Task<TrialBalance> CheckAsync(DateOnly from, DateOnly to) => new CheckTrialBalance(_store).HandleAsync(from, to, CancellationToken.None);

    [Fact]
    public async Task Balanced_postings_leave_no_defect()
    {
        var p = new Postings(7).On(Day17).Claimed(3).Locked().Consumed().Spent(2_000, 600).On(Day18).Returned(2_000, 600).Expired();
        await _store.AppendAsync(p.Entries, p.LastSeq);

        var check = await CheckAsync(Day17, Day18);

        Assert.True(check.Balanced);
        Assert.Equal(4, check.Sums); // two days, two units each
        Assert.Equal(p.Entries.Count, check.Entries);
    }

    [Fact]
    public async Task Every_sum_that_is_not_zero_is_listed_as_a_defect()
    {
        var p = new Postings(7).On(Day17).Claimed().On(Day18).Unbalanced(LedgerUnits.Money, LedgerAccounts.ExpenseMerchant, 5).Claimed();
        var q = new Postings(9, "USD").On(Day17).Unbalanced(LedgerUnits.Coupons, LedgerAccounts.CouponsIssued, -1);
        await _store.AppendAsync([.. p.Entries, .. q.Entries], Math.Max(p.LastSeq, q.LastSeq));

        var check = await CheckAsync(Day17, Day18);

        Assert.False(check.Balanced);
        Assert.Equal(
            [new TrialBalanceRow(9, Day17, "USD", LedgerUnits.Coupons, -1, 1), new TrialBalanceRow(7, Day18, "CNY", LedgerUnits.Money, 5, 1)],
            check.Defects);
    }

    [Fact]
    public async Task Only_the_posting_days_of_the_range_are_checked()
    {
        var p = new Postings(7).On(Day17).Unbalanced(LedgerUnits.Money, LedgerAccounts.ExpenseMerchant, 5).On(Day18).Claimed();
        await _store.AppendAsync(p.Entries, p.LastSeq);

        var check = await CheckAsync(Day18, Day18);

        Assert.True(check.Balanced);
        Assert.Equal(1, check.Sums);
    }
}
