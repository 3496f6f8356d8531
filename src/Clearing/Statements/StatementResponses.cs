using System.Globalization;
using PromotionEngine.Contracts.Http.Clearing;

namespace PromotionEngine.Clearing.Statements;

/// <summary>The statements' answers as Contracts writes them.</summary>
internal static class StatementResponses
{
    public static string StateName(DayState state) => state == DayState.Closed ? "CLOSED" : "OPEN";

    public static ClearingStatementResponse ToResponse(this DailyStatement s) => new(
        s.MerchantId.ToString(CultureInfo.InvariantCulture), s.Day, StateName(s.State), s.ClosedAt,
        s.Currencies.Select(c => new CurrencyStatementResponse(c.Currency, c.MerchantBears, c.PlatformSubsidises,
            new StatementCouponCounts(c.Coupons.Issued, c.Coupons.Redeemed, c.Coupons.Expired, c.Coupons.LockedAtClose, c.Coupons.OutstandingAtClose),
            c.Accounts.Select(a => new StatementAccountLine(a.Unit, a.Account, a.Opening, a.Movements, a.Adjustments, a.Closing)).ToList(),
            c.Adjustments.Select(a => new StatementAdjustmentLine(a.OriginalDay, a.Unit, a.Account, a.Amount)).ToList())).ToList());

    public static ClearingDayResponse ToResponse(this ClearingDay d) => new(d.Day, StateName(d.State), d.FrozenBy?.ClosedAt, d.FrozenBy?.ClosedBy);

    public static ClearingDayResponse Closed(DateOnly day, DayClose by) => new(day, StateName(DayState.Closed), by.ClosedAt, by.ClosedBy);

    public static TrialBalanceResponse ToResponse(this TrialBalance t) => new(t.From, t.To, t.Balanced, t.Sums, t.Entries,
        t.Defects.Select(d =>
            new TrialBalanceDefect(d.MerchantId.ToString(CultureInfo.InvariantCulture), d.Day, d.Currency, d.Unit, d.Sum, d.Entries)).ToList());
}
