using PromotionEngine.Clearing.Store;

namespace PromotionEngine.Clearing.Statements;

/// <summary>
/// Makes a merchant's statement of one day from what the analytic store says: the balances of everything posted before the day
/// (opening) and what was posted on it (movements, and adjustments: entries that name an earlier original day). Plain
/// arithmetic over the rows: no store, no clock.
/// </summary>
internal static class StatementBuilder
{
    public static DailyStatement Build(long merchantId, DateOnly day, DayState state, DateTimeOffset? closedAt,
        IReadOnlyList<AccountAmount> before, IReadOnlyList<AccountAmount> on)
    {
        var opening = before.Where(a => a.MerchantId == merchantId).ToList();
        var posted = on.Where(a => a.MerchantId == merchantId).ToList();
        var currencies = opening.Select(a => a.Currency).Concat(posted.Select(a => a.Currency))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(c => ForCurrency(c, opening.Where(a => a.Currency == c).ToList(), posted.Where(a => a.Currency == c).ToList()))
            .Where(c => c.Accounts.Count > 0)
            .ToList();
        return new DailyStatement(merchantId, day, state, state == DayState.Closed ? closedAt : null, currencies);
    }

    private static CurrencyStatement ForCurrency(string currency, List<AccountAmount> before, List<AccountAmount> on)
    {
        var accounts = before.Concat(on).Select(a => (a.Unit, a.Account)).Distinct()
            .Select(k =>
            {
                var opening = Sum(before, k.Unit, k.Account, _ => true);
                var movements = Sum(on, k.Unit, k.Account, a => a.OriginalDay is null);
                var adjustments = Sum(on, k.Unit, k.Account, a => a.OriginalDay is not null);
                return new AccountLine(k.Unit, k.Account, opening, movements, adjustments, opening + movements + adjustments);
            })
            .Where(l => l.Opening != 0 || l.Movements != 0 || l.Adjustments != 0)
            .OrderBy(l => LedgerAccounts.SortKey(l.Unit, l.Account))
            .ToList();
        var adjustmentLines = on.Where(a => a.OriginalDay is not null)
            .GroupBy(a => (Day: a.OriginalDay!.Value, a.Unit, a.Account))
            .Select(g => new AdjustmentLine(g.Key.Day, g.Key.Unit, g.Key.Account, g.Sum(a => a.Amount)))
            .Where(l => l.Amount != 0)
            .OrderBy(l => l.OriginalDay).ThenBy(l => LedgerAccounts.SortKey(l.Unit, l.Account))
            .ToList();

        long Posted(string account) => accounts.Where(l => l.Account == account).Sum(l => l.Movements + l.Adjustments);
        long Closing(string account) => accounts.Where(l => l.Account == account).Sum(l => l.Closing);
        var coupons = new CouponCounts(
            Issued: -Posted(LedgerAccounts.CouponsIssued), // a credit-normal account: issuing credits it
            Redeemed: Posted(LedgerAccounts.CouponsRedeemed),
            Expired: Posted(LedgerAccounts.CouponsExpired),
            LockedAtClose: Closing(LedgerAccounts.CouponsLocked),
            OutstandingAtClose: Closing(LedgerAccounts.CouponsOutstanding));
        return new CurrencyStatement(currency, Posted(LedgerAccounts.ExpenseMerchant), Posted(LedgerAccounts.SubsidyPlatform), coupons,
            accounts, adjustmentLines);
    }

    private static long Sum(List<AccountAmount> rows, string unit, string account, Func<AccountAmount, bool> which) =>
        rows.Where(a => a.Unit == unit && a.Account == account && which(a)).Sum(a => a.Amount);
}
