using PromotionEngine.Clearing.Ledger;
using static PromotionEngine.Clearing.Statements.LedgerAccounts;

namespace PromotionEngine.Clearing.Tests.Statements;

/// <summary>
/// Builds the ledger entries of coupon and discount movements the way the posting rules post them (docs/clearing.md, "The
/// ledger"), in domain words: <c>posting.Claimed(3)</c>, <c>posting.Spent(2_000, platformPart: 600)</c>. Each movement is one
/// balanced posting (one event, its legs summing to zero per unit), on the posting day and original day the calendar gives.
/// </summary>
internal sealed class Postings(long merchantId, string currency = "CNY")
{
    private static long _seq;
    private readonly List<LedgerEntry> _entries = [];

    public DateOnly Day { get; set; } = new(2026, 6, 18);

    public DateOnly? OriginalDay { get; set; }

    public IReadOnlyList<LedgerEntry> Entries => _entries;

    /// <summary>The seq of the last posting made here (a journal seq: every Postings draws from one sequence).</summary>
    public long LastSeq => _entries.Count == 0 ? 0 : _entries.Max(e => e.Seq);

    public Postings On(DateOnly day, DateOnly? originalDay = null)
    {
        (Day, OriginalDay) = (day, originalDay);
        return this;
    }

    public Postings Claimed(int coupons = 1) => Coupons(coupons, CouponsOutstanding, CouponsIssued);

    public Postings Locked(int coupons = 1) => Coupons(coupons, CouponsLocked, CouponsOutstanding);

    public Postings Released(int coupons = 1) => Coupons(coupons, CouponsOutstanding, CouponsLocked);

    public Postings Consumed(int coupons = 1) => Coupons(coupons, CouponsRedeemed, CouponsLocked);

    public Postings Restored(int coupons = 1) => Coupons(coupons, CouponsOutstanding, CouponsRedeemed);

    public Postings Expired(int coupons = 1) => Coupons(coupons, CouponsExpired, CouponsOutstanding);

    /// <summary>DISCOUNT_SPENT: Dr expense.merchant + Dr subsidy.platform / Cr discount.given.</summary>
    public Postings Spent(long discount, long platformPart = 0) =>
        Post(LedgerUnits.Money, (ExpenseMerchant, discount - platformPart), (SubsidyPlatform, platformPart), (DiscountGiven, -discount));

    /// <summary>DISCOUNT_RETURNED: Dr discount.returned / Cr expense.merchant + Cr subsidy.platform.</summary>
    public Postings Returned(long discount, long platformPart = 0) =>
        Post(LedgerUnits.Money, (DiscountReturned, discount), (ExpenseMerchant, -(discount - platformPart)), (SubsidyPlatform, -platformPart));

    /// <summary>DISCOUNT_CLAWED_BACK: Dr discount.clawed_back / Cr expense.merchant + Cr subsidy.platform.</summary>
    public Postings ClawedBack(long discount, long platformPart = 0) =>
        Post(LedgerUnits.Money, (DiscountClawedBack, discount), (ExpenseMerchant, -(discount - platformPart)), (SubsidyPlatform, -platformPart));

    /// <summary>A posting whose legs do not add up: what the trial balance must find.</summary>
    public Postings Unbalanced(string unit, string account, long amount) => Post(unit, (account, amount));

    private Postings Coupons(int coupons, string debit, string credit)
    {
        for (var i = 0; i < coupons; i++) Post(LedgerUnits.Coupons, (debit, 1), (credit, -1));
        return this;
    }

    private Postings Post(string unit, params (string Account, long Amount)[] legs)
    {
        var seq = Interlocked.Increment(ref _seq);
        var id = Guid.NewGuid();
        var at = new DateTimeOffset((OriginalDay ?? Day).ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero);
        for (var leg = 0; leg < legs.Length; leg++)
            if (legs[leg].Amount != 0)
            {
                _entries.Add(new LedgerEntry(
                    seq, id, 0, leg, Day, OriginalDay, merchantId, currency, unit, legs[leg].Account, legs[leg].Amount, 1, at));
            }
        return this;
    }
}
