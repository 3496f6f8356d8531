namespace PromotionEngine.Settlement.Pricing;

/// <summary>
/// A coupon otherwise usable on the cart whose discount on it alone is more than what remains of its template's money
/// budgets (the campaign's, its own) is unusable: BUDGET_EXHAUSTED, for a lock of it would be refused.
/// </summary>
internal static class BudgetCheck
{
    /// <param name="discount">What the coupon takes off the cart alone.</param>
    public static Unusable? Short(WalletCoupon coupon, long discount)
    {
        if (coupon.BudgetRemaining is not { } remaining) return null;
        return discount <= remaining
            ? null
            : new Unusable(coupon.Id, coupon.Template, Reasons.BudgetExhausted,
                $"What remains of the campaign's budget ({remaining}) cannot cover its discount of {discount}.");
    }
}
