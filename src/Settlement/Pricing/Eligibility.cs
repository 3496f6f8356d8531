using System.Globalization;
using PromotionEngine.Kernel;

namespace PromotionEngine.Settlement.Pricing;

internal enum WalletStatus
{
    Available,
    Locked,
    Consumed,
    Expired,
}

/// <summary>A coupon in the user's wallet as of the quote: its status at that instant and its template's pricing terms (null if unknown).</summary>
/// BudgetRemaining: the least that remains of the money budgets its template draws on (null: none). Budgets: each of those budgets
/// with what remains of it, so coupons drawing on one budget are held together to it (<see cref="SharedBudgets"/>; null: none).
/// GiftRemaining: a GIFT coupon's gifts left in its template's gift stock (null: not a gift).
internal sealed record WalletCoupon(UserCouponId Id, TemplateId Template, WalletStatus Status, DateTimeOffset ValidFrom, DateTimeOffset ValidUntil,
    DateTimeOffset? LockedUntil, int Version, PricingTerms? Terms, long? BudgetRemaining = null, IReadOnlyList<BudgetShare>? Budgets = null,
    long? GiftRemaining = null);

/// <summary>The machine-readable reasons a wallet coupon cannot be used on a cart (docs/settlement.md).</summary>
internal static class Reasons
{
    public const string Used = "USED";
    public const string Expired = "EXPIRED";
    public const string Locked = "LOCKED";
    public const string NotStarted = "NOT_STARTED";
    public const string TemplateUnknown = "TEMPLATE_UNKNOWN";
    public const string CurrencyMismatch = "CURRENCY_MISMATCH";
    public const string ScopeMismatch = "SCOPE_MISMATCH";
    public const string BelowThreshold = "BELOW_THRESHOLD";
    public const string NoDiscount = "NO_DISCOUNT";
    public const string NotCombinable = "NOT_COMBINABLE";
    public const string NotInWallet = "NOT_IN_WALLET";
    public const string BudgetExhausted = "BUDGET_EXHAUSTED";

    // GIFT coupons (docs/gifts.md)
    public const string GiftOutOfStock = "GIFT_OUT_OF_STOCK";

    /// <summary>
    /// Too few units in scope: a BUY_X_GET_Y coupon's lines hold fewer than one group (X + Y), a GIFT coupon's fewer than its
    /// minQuantity.
    /// </summary>
    public const string BelowQuantity = "BELOW_QUANTITY";
}

/// <summary>
/// Why a coupon is not used: the reason, a sentence, and the detail that goes with the reason (ShortfallItems: BELOW_QUANTITY's
/// units to add).
/// </summary>
internal sealed record Unusable(UserCouponId Id, TemplateId? Template, string Reason, string Detail, long? Shortfall = null,
    IReadOnlyList<UserCouponId>? BlockedBy = null, DateTimeOffset? At = null, long? ShortfallItems = null);

/// <summary>Checks one coupon against a cart on its own, in a fixed order; the first rule it fails is its reason.</summary>
internal static class Eligibility
{
    public static (Offer? Offer, Unusable? Why) Check(WalletCoupon c, Cart cart, DateTimeOffset now)
    {
        Unusable No(string reason, string detail, long? shortfall = null, DateTimeOffset? at = null) =>
            new(c.Id, c.Template, reason, detail, shortfall, null, at);

        if (c.Status == WalletStatus.Consumed) return (null, No(Reasons.Used, "The coupon was spent on an order."));
        if (c.Status == WalletStatus.Expired || now >= c.ValidUntil)
            return (null, No(Reasons.Expired, "The coupon's validity has ended.", at: c.ValidUntil));
        if (c.Status == WalletStatus.Locked)
            return (null, No(Reasons.Locked, "Another order holds the coupon while its payment is pending.", at: c.LockedUntil));
        if (now < c.ValidFrom) return (null, No(Reasons.NotStarted, "The coupon cannot be used yet.", at: c.ValidFrom));
        if (c.Terms is not { } terms) return (null, No(Reasons.TemplateUnknown, "The coupon's template is not known."));
        if (terms.Currency != cart.Currency)
            return (null, No(Reasons.CurrencyMismatch, $"The coupon is in {terms.Currency}, the cart in {cart.Currency}."));
        var lines = cart.Lines.Where(terms.Covers).Select(l => l.Index).ToArray();
        if (lines.Length == 0) return (null, No(Reasons.ScopeMismatch, "No line of the cart is in the coupon's scope."));
        long eligible = 0;
        foreach (var i in lines) eligible += cart.Amounts[i];
        // Thresholds are met on list prices of the lines in scope, before any coupon.
        if (terms.ThresholdAmount is { } threshold && eligible < threshold)
        {
            var shortfall = threshold - eligible;
            return (null, No(Reasons.BelowThreshold, $"Spend {MoneyText.Format(shortfall, cart.Currency)} more.", shortfall));
        }
        PricingTier? tier = null;
        if (terms.Benefit == BenefitKind.TieredThreshold)
        {
            (tier, var next) = terms.TierAt(eligible);
            if (tier is null)
            {
                if (next is null) return (null, No(Reasons.NoDiscount, "The coupon's template has no tiers."));
                var shortfall = next.Threshold - eligible;
                return (null, No(Reasons.BelowThreshold, NextTier.Sentence(shortfall, next, cart.Currency, first: true), shortfall));
            }
        }
        ItemDeal? deal = null;
        if (terms.Benefit == BenefitKind.BuyXGetY)
        {
            deal = ItemDeal.On(terms, cart, lines);
            if (ItemDeal.Shortfall(deal.Units, terms) is > 0 and var missing)
                return (null, new Unusable(c.Id, c.Template, Reasons.BelowQuantity, ItemDeal.Sentence(missing, terms), ShortfallItems: missing));
        }
        var offer = new Offer(c.Id, terms, lines, c.ValidUntil, tier, deal);
        if (terms.Benefit == BenefitKind.Gift) return GiftCheck.Qualifies(c, offer, cart);
        if (terms.Benefit == BenefitKind.FreeShipping)
            return cart.ShippingFee == 0 ? (null, No(Reasons.NoDiscount, "The cart has no shipping fee to take off.")) : (offer, null);
        if (offer.DiscountOn(eligible) == 0) return (null, No(Reasons.NoDiscount, "The coupon takes nothing off this cart."));
        return (offer, null);
    }
}

/// <summary>Amounts as people read them: minor units shown with the currency's decimals (ISO 4217).</summary>
internal static class MoneyText
{
    private static readonly HashSet<string> NoDecimals =
        ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"];
    private static readonly HashSet<string> ThreeDecimals = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];

    public static int Decimals(string currency) => NoDecimals.Contains(currency) ? 0 : ThreeDecimals.Contains(currency) ? 3 : 2;

    public static string Format(long minor, string currency)
    {
        var decimals = Decimals(currency);
        var text = decimals == 0
            ? minor.ToString(CultureInfo.InvariantCulture)
            : (minor / (decimal)Math.Pow(10, decimals)).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return $"{text} {currency}";
    }
}
