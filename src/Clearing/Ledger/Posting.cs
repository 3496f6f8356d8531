using PromotionEngine.Clearing.Facts;

namespace PromotionEngine.Clearing.Ledger;

/// <summary>The ledger's accounts: coupon counts (unit COUPONS) and money (unit MONEY, minor units of the template's currency).</summary>
internal static class Accounts
{
    /// <summary>Coupons handed out: the counter-account of every coupon ever claimed or distributed (a credit balance).</summary>
    public const string CouponsIssued = "coupons.issued";
    /// <summary>Coupons in wallets, usable.</summary>
    public const string CouponsOutstanding = "coupons.outstanding";
    /// <summary>Coupons held by an order while its buyer pays.</summary>
    public const string CouponsLocked = "coupons.locked";
    /// <summary>Coupons spent on paid orders.</summary>
    public const string CouponsRedeemed = "coupons.redeemed";
    /// <summary>Coupons that ended unused (or came back from a hold or a refund after their end).</summary>
    public const string CouponsExpired = "coupons.expired";

    /// <summary>The discount given on paid orders (a credit balance: what the discounts cost in all).</summary>
    public const string DiscountGiven = "discount.given";
    /// <summary>Discount that left with refunded units.</summary>
    public const string DiscountReturned = "discount.returned";
    /// <summary>Discount taken back from kept units whose threshold a refund broke.</summary>
    public const string DiscountClawedBack = "discount.clawed_back";
    /// <summary>The merchant's part of the discount: what the merchant bears (商家承担).</summary>
    public const string MerchantExpense = "expense.merchant";
    /// <summary>The platform's part of the discount: what the platform subsidises (平台补贴).</summary>
    public const string PlatformSubsidy = "subsidy.platform";
}

/// <summary>A posting whose legs do not add up to zero per unit: refused, nothing of it is stored.</summary>
internal sealed class UnbalancedPostingException(ClearingFact fact, string unit, long sum)
    : Exception($"The posting of {fact.Movement} fact {fact.EventId}/{fact.Line} is unbalanced: its {unit} legs add up to {sum}, not 0.")
{
    public ClearingFact Fact { get; } = fact;
}

/// <summary>
/// The posting rules: a fact in, its balanced ledger legs out (debit +, credit −), per the fact's merchant and currency, on its
/// posting day. A pure function; a posting whose legs do not add up to zero per unit is refused with
/// <see cref="UnbalancedPostingException"/> (a fact whose funding parts do not add up to its discount, for one).
/// </summary>
internal static class Posting
{
    public static IReadOnlyList<LedgerEntry> For(ClearingFact fact)
    {
        var legs = Legs(fact);
        Check(fact, legs);
        var entries = new List<LedgerEntry>(legs.Count);
        for (var i = 0; i < legs.Count; i++)
        {
            var (unit, account, amount) = legs[i];
            entries.Add(new LedgerEntry(fact.Seq, fact.EventId, fact.Line, i, fact.PostingDay, fact.OriginalDay, fact.MerchantId, fact.Currency,
                unit, account, amount, fact.TemplateId, fact.OccurredAt));
        }
        return entries;
    }

    /// <summary>Refuses legs that do not add up to zero per unit.</summary>
    public static void Check(ClearingFact fact, IReadOnlyList<(string Unit, string Account, long Amount)> legs)
    {
        foreach (var unit in legs.GroupBy(l => l.Unit))
        {
            var sum = unit.Sum(l => l.Amount);
            if (sum != 0) throw new UnbalancedPostingException(fact, unit.Key, sum);
        }
    }

    private static List<(string Unit, string Account, long Amount)> Legs(ClearingFact f)
    {
        var n = f.Coupons;
        return f.Movement switch
        {
            Movements.Claimed => Coupons((Accounts.CouponsOutstanding, Accounts.CouponsIssued, n)),
            Movements.Locked => Coupons((Accounts.CouponsLocked, Accounts.CouponsOutstanding, n)),
            Movements.Released => Coupons((Back(f), Accounts.CouponsLocked, n)),
            Movements.Consumed => Coupons((Accounts.CouponsRedeemed, Accounts.CouponsLocked, n)),
            Movements.Restored => Coupons((Back(f), Accounts.CouponsRedeemed, n)),
            Movements.Expired => Coupons((Accounts.CouponsExpired, Accounts.CouponsOutstanding, n)),
            Movements.DiscountSpent => Money(
                (Accounts.MerchantExpense, f.MerchantPart), (Accounts.PlatformSubsidy, f.PlatformPart), (Accounts.DiscountGiven, -f.Discount)),
            Movements.DiscountReturned => Money(
                (Accounts.DiscountReturned, f.Discount), (Accounts.MerchantExpense, -f.MerchantPart), (Accounts.PlatformSubsidy, -f.PlatformPart)),
            Movements.DiscountClawedBack => Money(
                (Accounts.DiscountClawedBack, f.Discount), (Accounts.MerchantExpense, -f.MerchantPart), (Accounts.PlatformSubsidy, -f.PlatformPart)),
            Movements.DiscountAllocated or Movements.Terminated => [],
            _ => throw new ArgumentException($"No posting rule for movement {f.Movement}.", nameof(f)),
        };
    }

    /// <summary>Where a coupon that came back goes: the wallet, or expired when its validity passed meanwhile.</summary>
    private static string Back(ClearingFact f) => f.Status == "EXPIRED" ? Accounts.CouponsExpired : Accounts.CouponsOutstanding;

    private static List<(string, string, long)> Coupons((string Debit, string Credit, long Count) move) =>
        move.Count == 0 ? [] : [(LedgerUnits.Coupons, move.Debit, move.Count), (LedgerUnits.Coupons, move.Credit, -move.Count)];

    /// <summary>Money legs, leaving out zero amounts (a merchant-funded discount has no platform leg).</summary>
    private static List<(string, string, long)> Money(params (string Account, long Amount)[] legs) =>
        [.. legs.Where(l => l.Amount != 0).Select(l => (LedgerUnits.Money, l.Account, l.Amount))];
}
