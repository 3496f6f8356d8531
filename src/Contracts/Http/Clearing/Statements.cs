using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace PromotionEngine.Contracts.Http.Clearing;

// Ids travel as strings in responses: 64-bit ids do not fit a JavaScript number. Ledger amounts are signed: a debit is
// positive, a credit negative (docs/clearing.md, "Statements"); MONEY in minor units of the currency, COUPONS in coupons.

/// <summary>
/// A merchant's clearing statement for one clearing day (a UTC calendar day): per currency, every ledger account's opening
/// balance, the day's movements, the adjustments posted this day for earlier closed days, and its closing balance. A CLOSED
/// day's statement never changes; an OPEN day's grows as events are ingested.
/// </summary>
public sealed record ClearingStatementResponse(
    string MerchantId,
    DateOnly Day,
    [property: AllowedValues("OPEN", "CLOSED")] string State,
    [property: Description("When the day was closed; null while it is open.")] DateTimeOffset? ClosedAt,
    IReadOnlyList<CurrencyStatementResponse> Currencies);

/// <summary>The statement's part in one currency: the two figures finance reads, the coupon counts, the account lines and the adjustments.</summary>
public sealed record CurrencyStatementResponse(
    string Currency,
    [property: Description("The merchant-funded discount posted this day net of returns and claw-backs (movement of expense.merchant).")]
    long MerchantBears,
    [property: Description("The platform-funded discount posted this day net of returns and claw-backs: what the platform owes the merchant "
        + "(movement of subsidy.platform).")]
    long PlatformSubsidises,
    StatementCouponCounts Coupons,
    IReadOnlyList<StatementAccountLine> Accounts,
    IReadOnlyList<StatementAdjustmentLine> Adjustments);

/// <summary>
/// Coupons issued, redeemed (net of refunds that restored them) and expired by what was posted this day; locked and outstanding
/// (issued, not locked, redeemed or expired) at the day's close.
/// </summary>
public sealed record StatementCouponCounts(long Issued, long Redeemed, long Expired, long LockedAtClose, long OutstandingAtClose);

/// <summary>One account: Closing = Opening + Movements + Adjustments (Adjustments: posted this day for earlier closed days).</summary>
public sealed record StatementAccountLine(
    [property: AllowedValues("COUPONS", "MONEY")] string Unit,
    string Account,
    long Opening,
    long Movements,
    long Adjustments,
    long Closing);

/// <summary>What was posted this day to one account for events of an earlier, already closed day (OriginalDay).</summary>
public sealed record StatementAdjustmentLine(
    DateOnly OriginalDay,
    [property: AllowedValues("COUPONS", "MONEY")] string Unit,
    string Account,
    long Amount);

/// <summary>A clearing day: OPEN while events may still post in it, CLOSED (frozen) once an operator closed it or a later day.</summary>
public sealed record ClearingDayResponse(
    DateOnly Day,
    [property: AllowedValues("OPEN", "CLOSED")] string State,
    [property: Description("When the close that froze this day happened; null while it is open.")] DateTimeOffset? ClosedAt,
    [property: Description("Who made that close (the operator's token subject); null while the day is open.")] string? ClosedBy);

/// <summary>The clearing days of a range, oldest first, and the last closed day (null: none closed yet).</summary>
public sealed record ClearingDaysResponse(DateOnly? LastClosed, IReadOnlyList<ClearingDayResponse> Days);

/// <summary>
/// The ledger's trial balance over [From, To]: the sum of the entries per merchant, posting day, currency and unit must be zero;
/// each sum that is not is listed in Defects (Balanced: none).
/// </summary>
public sealed record TrialBalanceResponse(
    DateOnly From,
    DateOnly To,
    bool Balanced,
    [property: Description("Sums checked: one per merchant, posting day, currency and unit with entries.")] long Sums,
    [property: Description("Ledger entries those sums cover.")] long Entries,
    IReadOnlyList<TrialBalanceDefect> Defects);

/// <summary>A merchant's entries of one posting day, currency and unit that do not add up to zero.</summary>
public sealed record TrialBalanceDefect(
    string MerchantId,
    DateOnly Day,
    string Currency,
    [property: AllowedValues("COUPONS", "MONEY")] string Unit,
    long Sum,
    long Entries);
