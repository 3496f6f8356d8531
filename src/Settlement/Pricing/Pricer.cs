using PromotionEngine.Kernel;

namespace PromotionEngine.Settlement.Pricing;

/// <summary>
/// A coupon that can be used on the cart: what it takes off alone, its part in the chosen combination if chosen, and for a tiered
/// coupon below its top tier how far the next tier is (a BUY_X_GET_Y coupon: its next group).
/// </summary>
internal sealed record Usable(Offer Offer, long DiscountAlone, bool Selected, long? Applied, NextTier? Next = null,
    NextGroup? NextGroup = null);

/// <summary>The answer to "what does this cart cost with this wallet": the combination, and every coupon explained.</summary>
internal sealed record PriceResult(Cart Cart, Application Choice, bool Picked, IReadOnlyList<Usable> Usable, IReadOnlyList<Unusable> Unusable)
{
    public long Payable => Cart.Subtotal - Choice.Discount + Cart.ShippingFee;
}

internal abstract record PriceOutcome
{
    private PriceOutcome() { }

    public sealed record Priced(PriceResult Result) : PriceOutcome;

    /// <summary>The user's pick cannot be used as it is; each problem coupon with its reason.</summary>
    public sealed record PickRefused(IReadOnlyList<Unusable> Problems) : PriceOutcome;
}

/// <summary>Prices a cart against a wallet: the best combination, or the user's pick validated.</summary>
internal static class Pricer
{
    public static PriceOutcome Price(Cart cart, IReadOnlyList<WalletCoupon> wallet, IReadOnlyList<UserCouponId>? pick, DateTimeOffset now,
        SearchStats? stats = null)
    {
        var offers = new List<Offer>();
        var unusable = new List<Unusable>();
        var alone = new Dictionary<UserCouponId, long>(); // each offer priced alone once: for its budget and for the answer
        foreach (var coupon in wallet.OrderBy(c => c.Id.Value))
        {
            var (offer, why) = Eligibility.Check(coupon, cart, now);
            if (offer is not null)
            {
                alone[offer.Id] = Stacking.Apply(cart, [offer]).Discount;
                if (BudgetCheck.Short(coupon, alone[offer.Id]) is { } exhausted) (offer, why) = (null, exhausted);
            }
            if (offer is not null) offers.Add(offer);
            else unusable.Add(why!);
        }

        Application choice;
        if (pick is null)
        {
            choice = SharedBudgets.Best(cart, offers, BudgetsOf(wallet), stats);
        }
        else
        {
            var problems = new List<Unusable>();
            var picked = new List<Offer>();
            foreach (var id in pick.Distinct().OrderBy(i => i.Value))
            {
                if (offers.Find(o => o.Id == id) is { } offer) picked.Add(offer);
                else problems.Add(unusable.Find(u => u.Id == id) ?? new Unusable(id, null, Reasons.NotInWallet, "The user holds no such coupon."));
            }
            foreach (var offer in picked)
            {
                var conflicts = Stacking.Conflicts(offer, picked);
                if (conflicts.Count > 0)
                    problems.Add(new Unusable(offer.Id, offer.Terms.Template, Reasons.NotCombinable, Blocked(conflicts), BlockedBy: conflicts));
            }
            if (problems.Count > 0) return new PriceOutcome.PickRefused(problems);
            choice = Stacking.Apply(cart, picked);
            if (SharedBudgets.Overspent(choice, BudgetsOf(wallet)) is { Count: > 0 } over)
                return new PriceOutcome.PickRefused(over.Select(id => new Unusable(id, picked.Single(o => o.Id == id).Terms.Template,
                    Reasons.BudgetExhausted, "Together with the other coupons picked on its budget, its discount is more than what remains of it."))
                    .ToList());
        }

        var selected = choice.Coupons.Select(c => c.Offer).ToList();
        var usable = new List<Usable>();
        foreach (var offer in offers)
        {
            var applied = choice.Coupons.FirstOrDefault(c => c.Offer.Id == offer.Id);
            if (applied is not null)
            {
                usable.Add(new Usable(offer, alone[offer.Id], true, applied.Discount, NextTier.Of(offer, cart), NextGroup.Of(offer)));
                continue;
            }
            var conflicts = Stacking.Conflicts(offer, selected);
            if (conflicts.Count > 0)
                unusable.Add(new Unusable(offer.Id, offer.Terms.Template, Reasons.NotCombinable, Blocked(conflicts), BlockedBy: conflicts));
            else
                usable.Add(new Usable(offer, alone[offer.Id], false, null, NextTier.Of(offer, cart), NextGroup.Of(offer)));
        }
        return new PriceOutcome.Priced(new PriceResult(cart, choice, pick is not null,
            usable.OrderByDescending(u => u.Selected).ThenByDescending(u => u.DiscountAlone).ThenBy(u => u.Offer.Id.Value).ToList(),
            unusable.OrderBy(u => u.Id.Value).ToList()));
    }

    private static Dictionary<UserCouponId, IReadOnlyList<BudgetShare>> BudgetsOf(IReadOnlyList<WalletCoupon> wallet) =>
        wallet.Where(c => c.Budgets is { Count: > 0 }).ToDictionary(c => c.Id, c => c.Budgets!);

    private static string Blocked(IReadOnlyList<UserCouponId> by) =>
        $"Cannot be combined with coupon {string.Join(", ", by)}.";
}
