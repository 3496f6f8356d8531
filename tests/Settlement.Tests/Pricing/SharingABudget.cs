using PromotionEngine.Settlement.Pricing;
using static PromotionEngine.Settlement.Tests.Pricing.Carts;

namespace PromotionEngine.Settlement.Tests.Pricing;

/// <summary>
/// Coupons of templates that draw on one money budget: the quote never offers (nor accepts as a pick) a combination whose discounts
/// together are more than what remains of that budget, for the lock of it would be refused BUDGET_EXHAUSTED.
/// </summary>
public class SharingABudget
{
    private static readonly Cart TwoShops = Of(Line(0, shop: 1, unitPrice: 100_00), Line(1, shop: 2, unitPrice: 100_00));

    /// <summary>The coupon draws on the budgets given (key, what remains), as the quote reads them from the engine.</summary>
    private static WalletCoupon Budgeted(WalletCoupon coupon, params (string Key, long Remaining)[] budgets) => coupon with
    {
        BudgetRemaining = budgets.Min(b => b.Remaining),
        Budgets = budgets.Select(b => new BudgetShare(b.Key, b.Remaining)).ToList(),
    };

    [Fact]
    public void Two_coupons_of_one_budget_that_together_exceed_what_remains_are_not_offered_together()
    {
        // 20.00 and 15.00 off, one shop each: together 35.00, but the campaign has 30.00 left; each alone fits.
        var result = Priced(TwoShops,
            Budgeted(Coupon(1, ShopOff(1, 20_00)), ("c:9", 30_00)),
            Budgeted(Coupon(2, ShopOff(2, 15_00)), ("c:9", 30_00)));

        Assert.Equal([1L], result.Choice.Ids());
        Assert.Equal(20_00, result.Choice.Discount);
        var other = Assert.Single(result.Usable, u => !u.Selected);
        Assert.Equal(2L, other.Offer.Id.Value);
    }

    [Fact]
    public void Coupons_of_different_budgets_still_combine()
    {
        var result = Priced(TwoShops,
            Budgeted(Coupon(1, ShopOff(1, 20_00)), ("c:9", 30_00)),
            Budgeted(Coupon(2, ShopOff(2, 15_00)), ("c:8", 30_00)));

        Assert.Equal([1L, 2L], result.Choice.Ids());
    }

    [Fact]
    public void A_budget_that_covers_both_lets_both_apply()
    {
        var result = Priced(TwoShops,
            Budgeted(Coupon(1, ShopOff(1, 20_00)), ("c:9", 35_00)),
            Budgeted(Coupon(2, ShopOff(2, 15_00)), ("c:9", 35_00), ("t:20", 15_00)));

        Assert.Equal([1L, 2L], result.Choice.Ids());
    }

    [Fact]
    public void The_best_combination_that_fits_is_chosen_among_the_rest()
    {
        // Coupons 1 and 2 share 30.00; coupon 3 (10.00 off shop 2, no budget) takes the place of coupon 2 on its shop.
        var result = Priced(TwoShops,
            Budgeted(Coupon(1, ShopOff(1, 20_00)), ("c:9", 30_00)),
            Budgeted(Coupon(2, ShopOff(2, 15_00)), ("c:9", 30_00)),
            Coupon(3, ShopOff(2, 10_00)));

        Assert.Equal([1L, 3L], result.Choice.Ids());
        Assert.Equal(30_00, result.Choice.Discount);
    }

    [Fact]
    public void A_pick_of_both_is_refused_budget_exhausted()
    {
        var wallet = new[]
        {
            Budgeted(Coupon(1, ShopOff(1, 20_00)), ("c:9", 30_00)),
            Budgeted(Coupon(2, ShopOff(2, 15_00)), ("c:9", 30_00)),
        };

        var outcome = Pricer.Price(TwoShops, wallet, [new(1), new(2)], Now);

        var refused = Assert.IsType<PriceOutcome.PickRefused>(outcome);
        Assert.Equal([(1L, Reasons.BudgetExhausted), (2L, Reasons.BudgetExhausted)], refused.Problems.Select(p => (p.Id.Value, p.Reason)));
    }

    [Fact]
    public void Twenty_coupons_of_one_budget_that_covers_one_get_the_largest_that_fits_in_a_bounded_search()
    {
        // One shop each, 10.00 to 29.00 off; the budget has 25.00 left: the 25.00 coupon alone is the best that fits. Searching
        // every subset would be a million searches; the greedy start and the cap keep it to a few dozen.
        var cart = new Cart("CNY", Enumerable.Range(0, 20).Select(i => Line(i, shop: i + 1, unitPrice: 100_00)).ToArray(), 0);
        var wallet = Enumerable.Range(0, 20)
            .Select(i => Budgeted(Coupon(i + 1, ShopOff(i + 1, 10_00 + i * 1_00)), ("c:9", 25_00))).ToArray();
        var stats = new SearchStats();

        var result = Pricer.Price(cart, wallet, null, Now, stats) is PriceOutcome.Priced p ? p.Result : throw new InvalidOperationException();

        Assert.Equal([16L], result.Choice.Ids());
        Assert.Equal(25_00, result.Choice.Discount);
        Assert.True(stats.Evaluations < 100_000, $"{stats.Evaluations} combinations priced");
    }
}
