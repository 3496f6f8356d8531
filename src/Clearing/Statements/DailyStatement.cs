namespace PromotionEngine.Clearing.Statements;

/// <summary>Whether a clearing day still takes postings (OPEN) or is frozen (CLOSED).</summary>
internal enum DayState
{
    Open,
    Closed,
}

/// <summary>A merchant's statement of one clearing day; <see cref="ClosedAt"/> is set when the day is closed.</summary>
internal sealed record DailyStatement(
    long MerchantId, DateOnly Day, DayState State, DateTimeOffset? ClosedAt, IReadOnlyList<CurrencyStatement> Currencies);

/// <summary>
/// One currency of a statement. <see cref="MerchantBears"/> and <see cref="PlatformSubsidises"/> are the movements (this day's
/// and adjustments) of expense.merchant and subsidy.platform: the discount each funds, net of what refunds took back.
/// </summary>
internal sealed record CurrencyStatement(
    string Currency, long MerchantBears, long PlatformSubsidises, CouponCounts Coupons,
    IReadOnlyList<AccountLine> Accounts, IReadOnlyList<AdjustmentLine> Adjustments);

/// <summary>Issued, Redeemed, Expired: what this day's postings moved; LockedAtClose, OutstandingAtClose: balances at the close.</summary>
internal sealed record CouponCounts(long Issued, long Redeemed, long Expired, long LockedAtClose, long OutstandingAtClose);

/// <summary>One account's balances: Closing = Opening + Movements + Adjustments. Debit positive, credit negative.</summary>
internal sealed record AccountLine(string Unit, string Account, long Opening, long Movements, long Adjustments, long Closing);

/// <summary>What this day's postings for events of the earlier, closed <see cref="OriginalDay"/> added to one account.</summary>
internal sealed record AdjustmentLine(DateOnly OriginalDay, string Unit, string Account, long Amount);
