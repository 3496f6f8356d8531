using PromotionEngine.Clearing.Ledger;

namespace PromotionEngine.Clearing.Statements;

/// <summary>
/// The ledger's accounts as the posting rules name them (docs/clearing.md, "The ledger"), in the order a statement lists them:
/// the coupon accounts, then the money accounts. An account the statement does not know is listed after these, by name.
/// </summary>
internal static class LedgerAccounts
{
    public const string CouponsIssued = "coupons.issued";
    public const string CouponsOutstanding = "coupons.outstanding";
    public const string CouponsLocked = "coupons.locked";
    public const string CouponsRedeemed = "coupons.redeemed";
    public const string CouponsExpired = "coupons.expired";
    public const string DiscountGiven = "discount.given";
    public const string DiscountReturned = "discount.returned";
    public const string DiscountClawedBack = "discount.clawed_back";
    public const string ExpenseMerchant = "expense.merchant";
    public const string SubsidyPlatform = "subsidy.platform";

    private static readonly string[] Order =
    [
        CouponsIssued, CouponsOutstanding, CouponsLocked, CouponsRedeemed, CouponsExpired,
        DiscountGiven, DiscountReturned, DiscountClawedBack, ExpenseMerchant, SubsidyPlatform,
    ];

    /// <summary>Sorts lines: COUPONS before MONEY, known accounts in the order above, others by name.</summary>
    public static (int Unit, int Known, string Name) SortKey(string unit, string account)
    {
        var known = Array.IndexOf(Order, account);
        return (unit == LedgerUnits.Coupons ? 0 : 1, known < 0 ? Order.Length : known, account);
    }
}
