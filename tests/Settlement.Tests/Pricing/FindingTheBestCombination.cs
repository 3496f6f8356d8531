using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Kernel;
using PromotionEngine.Settlement.Pricing;
using static PromotionEngine.Settlement.Tests.Pricing.Carts;

namespace PromotionEngine.Settlement.Tests.Pricing;

/// <summary>
/// The search is exact: on small carts it agrees with trying every valid subset, to the coupon and the minor unit, for every
/// discount kind the generator draws (fixed, threshold, percentage with and without cap, tiered threshold, free shipping with
/// and without cap, buy X get Y at any percentage with and without cap, on carts with and without a shipping fee, gifts with and
/// without a threshold and a least quantity).
/// </summary>
public class FindingTheBestCombination
{
    /// <summary>The oracle: every subset that the stacking rules allow, priced by the rules, ranked by the rank.</summary>
    internal static Application BruteForce(Cart cart, IReadOnlyList<Offer> offers)
    {
        var best = Stacking.Apply(cart, []);
        for (var mask = 1; mask < 1 << offers.Count; mask++)
        {
            var subset = offers.Where((_, i) => (mask & (1 << i)) != 0).ToList();
            if (!Stacking.IsValid(subset)) continue;
            var application = Stacking.Apply(cart, subset);
            if (application.Rank.IsBetterThan(best.Rank)) best = application;
        }
        return best;
    }

    [Fact]
    public void Under_a_category_percentage_a_shop_coupon_costs_the_platform_coupon_its_share_on_that_category()
    {
        // Shop 1 sells shoes (category 7) and a bag; a 30 % coupon on shoes applies after the shop coupons, so 8.00 of
        // the shop's 10.00 fixed coupon lands on the shoes and the percentage sees 72.00, not 80.00.
        var cart = Of(Line(0, shop: 1, unitPrice: 8000, categories: 7), Line(1, shop: 1, unitPrice: 2000));
        var offers = new[]
        {
            Offer(cart, 1, CategoryPercent(7, 3000)),
            Offer(cart, 2, ShopOff(1, 1000)),
            Offer(cart, 3, ShopPercent(1, 950)),
        };

        var best = BestCombination.Find(cart, offers);

        AssertSame(BruteForce(cart, offers), best);
    }

    [Fact]
    public void With_a_capped_platform_percentage_the_shops_choices_trade_off_exactly()
    {
        // A capped category percentage: once the cap binds, the shops should take their largest coupons.
        var cart = Of(Line(0, 1, 50_000, categories: 7), Line(1, 1, 5000), Line(2, 2, 40_000, categories: 7), Line(3, 2, 9000));
        var offers = new[]
        {
            Offer(cart, 1, CategoryPercent(7, 2000, cap: 10_000)),
            Offer(cart, 2, ShopOff(1, 3000)), Offer(cart, 3, ShopPercent(1, 800)),
            Offer(cart, 4, ShopOff(2, 2500)), Offer(cart, 5, ShopPercent(2, 1000, cap: 2600)),
            Offer(cart, 6, PlatformOff(4000, threshold: 100_000)),
        };

        var best = BestCombination.Find(cart, offers);

        AssertSame(BruteForce(cart, offers), best);
    }

    private static void AssertSame(Application expected, Application actual)
    {
        Assert.Equal(expected.Discount, actual.Discount);
        Assert.Equal(expected.Ids(), actual.Ids());
        Assert.Equal(expected.LineDiscounts, actual.LineDiscounts);
    }

    [Fact]
    public void Equal_discounts_are_settled_by_fewer_coupons_then_priority_then_the_older_coupon()
    {
        var cart = Of(Line(0, 1, 10_000));
        // Two coupons of 5.00 each or one (exclusive) of 10.00: the single coupon wins.
        Assert.Equal([9L], BestCombination.Find(
            cart, [Offer(cart, 7, PlatformOff(500)), Offer(cart, 8, ShopOff(1, 500)), Offer(cart, 9, ShopOff(1, 1000, exclusive: true))]).Ids());
        // Equal coupons: the higher priority, then the smaller id.
        Assert.Equal([8L], BestCombination.Find(cart, [Offer(cart, 7, PlatformOff(500)), Offer(cart, 8, PlatformOff(500, priority: 5))]).Ids());
        Assert.Equal([7L], BestCombination.Find(cart, [Offer(cart, 8, PlatformOff(500)), Offer(cart, 7, PlatformOff(500))]).Ids());
    }

    [Fact]
    public void An_exclusive_coupon_wins_only_when_it_beats_every_combination()
    {
        var cart = Of(Line(0, 1, 10_000), Line(1, 2, 10_000));
        Offer exclusive = Offer(cart, 1, PlatformOff(2500, exclusive: true)), platform = Offer(cart, 2, PlatformOff(1000)),
            shop1 = Offer(cart, 3, ShopOff(1, 1000)), shop2 = Offer(cart, 4, ShopOff(2, 1000));

        Assert.Equal([2L, 3L, 4L], BestCombination.Find(cart, [exclusive, platform, shop1, shop2]).Ids());
        Assert.Equal([1L], BestCombination.Find(cart, [exclusive, platform, shop1]).Ids());
    }

    [Fact]
    public void The_same_input_gives_the_same_answer_whatever_the_order_of_the_wallet()
    {
        var cart = Of(Line(0, 1, 10_000, categories: 3), Line(1, 2, 7000), Line(2, 2, 3000, categories: 3));
        var offers = new[]
        {
            Offer(cart, 11, CategoryPercent(3, 1000)), Offer(cart, 12, PlatformOff(1300)), Offer(cart, 13, ShopOff(2, 1000)),
            Offer(cart, 14, ShopPercent(2, 1000)), Offer(cart, 15, ShopPercent(1, 1300)),
        };

        var first = BestCombination.Find(cart, offers);
        var reversed = BestCombination.Find(cart, offers.Reverse().ToArray());

        Assert.Equal(first.Ids(), reversed.Ids());
        Assert.Equal(first.LineDiscounts, reversed.LineDiscounts);
    }

    // ---- the property: random small carts and wallets against the oracle ----

    internal sealed record Scenario(Cart Cart, IReadOnlyList<Offer> Offers)
    {
        public override string ToString() =>
            $"shipping {Cart.ShippingFee} | lines: {string.Join("; ", Cart.Lines.Select(LineText))} | offers: {string.Join("; ", Offers.Select(OfferText))}";

        private static string LineText(CartLine l) =>
            $"#{l.Index} shop {l.ShopId} product {l.ProductId} cat [{string.Join(',', l.CategoryIds)}] {l.Amount}";

        private static string OfferText(Offer o) =>
            $"{o.Id} {o.Terms.Scope} {o.Terms.ShopId} {o.Terms.Benefit} amt {o.Terms.DiscountAmount} thr {o.Terms.ThresholdAmount} " +
            $"pct {o.Terms.PercentOff} cap {o.Terms.MaxDiscountAmount} excl {o.Terms.Exclusive} prio {o.Terms.Priority}" +
            $" tiers [{string.Join(',', (o.Terms.Tiers ?? []).Select(t => $"{t.Threshold}:{t.Discount}"))}]" +
            $" buy {o.Terms.BuyQuantity} get {o.Terms.GetQuantity} products [{string.Join(',', o.Terms.ProductIds)}]" +
            $" cats [{string.Join(',', o.Terms.CategoryIds)}]";
    }

    private static readonly Gen<CartLine> ALine =
        from shop in Gen.Choose(1, 3)
        from product in Gen.Choose(1, 4)
        from category in Gen.Choose(1, 3)
        from price in Gen.OneOf(Gen.Choose(0, 12_000), Gen.Elements(1, 999, 1000, 5000, 10_000))
        from quantity in Gen.Choose(1, 3)
        select new CartLine(0, "sku", product, shop, [category], price, quantity);

    private static readonly Gen<PricingTerms> ATemplate =
        from scope in Gen.Elements(ScopeKind.Platform, ScopeKind.Shop, ScopeKind.Shop, ScopeKind.Products, ScopeKind.Categories)
        from shop in Gen.Choose(1, 3)
        from target in Gen.Choose(1, 4)
        from benefit in Gen.Elements(BenefitKind.FixedAmount, BenefitKind.Threshold, BenefitKind.Percentage, BenefitKind.Percentage,
            BenefitKind.TieredThreshold, BenefitKind.FreeShipping, BenefitKind.Gift, BenefitKind.BuyXGetY, BenefitKind.BuyXGetY)
        from amount in Gen.Elements(1, 300, 1000, 2500, 5000, 9999, 30_000)
        from threshold in Gen.Elements(0, 1000, 8000, 20_000)
        from percent in Gen.Elements(1, 500, 1000, 3333, 5000, 9000, 10_000)
        from cap in Gen.Elements(0, 0, 100, 1500, 4000)
        from exclusive in Gen.Frequency((9, Gen.Constant(false)), (1, Gen.Constant(true)))
        from priority in Gen.Choose(0, 2)
        from tierCount in Gen.Choose(1, 3)
        from tierStep in Gen.Elements(1, 1000, 7000)
        from giftLeast in Gen.Elements(0, 0, 2, 4)
        from buy in Gen.Choose(1, 3)
        from get in Gen.Choose(1, 2)
        select Deal(buy, get, percent, cap, new PricingTerms(new TemplateId(1), "CNY", scope, scope == ScopeKind.Shop ? shop : null,
            scope == ScopeKind.Products ? new HashSet<long> { target } : [],
            scope == ScopeKind.Categories ? new HashSet<long> { target % 3 + 1 } : [],
            benefit, benefit is BenefitKind.Percentage or BenefitKind.Gift ? null : amount,
            benefit == BenefitKind.Threshold ? Math.Max(threshold, amount)
            : benefit is BenefitKind.Percentage or BenefitKind.FreeShipping or BenefitKind.Gift && threshold > 0 ? threshold : null,
            benefit == BenefitKind.Percentage ? percent : null,
            benefit is BenefitKind.Percentage or BenefitKind.FreeShipping && cap > 0 ? cap : null,
            exclusive && benefit != BenefitKind.Gift, // a GIFT template is never exclusive (merchant-admin refuses it)
            priority,
            benefit == BenefitKind.TieredThreshold ? Tiers(threshold, tierStep, amount, tierCount) : null,
            benefit == BenefitKind.Gift ? new PricingGift("gift-" + target, 1 + target % 2, giftLeast > 0 ? giftLeast : null) : null));

    /// <summary>A BUY_X_GET_Y template as one can be created: PRODUCTS or CATEGORIES scope, percentOff, an optional cap, no amount.</summary>
    private static PricingTerms Deal(int buy, int get, int percent, long cap, PricingTerms t) => t.Benefit != BenefitKind.BuyXGetY ? t : t with
    {
        Scope = t.Scope == ScopeKind.Categories ? ScopeKind.Categories : ScopeKind.Products,
        ShopId = null,
        ProductIds = t.Scope == ScopeKind.Categories ? new HashSet<long>() : t.ProductIds.Count > 0 ? t.ProductIds : new HashSet<long> { buy + get },
        DiscountAmount = null,
        ThresholdAmount = null,
        PercentOff = percent,
        MaxDiscountAmount = cap > 0 ? cap : null,
        BuyQuantity = buy,
        GetQuantity = get,
    };

    /// <summary>Ascending tiers from the generated figures, each taking off less than its threshold (as a template's must).</summary>
    private static List<PricingTier> Tiers(long threshold, long step, long discount, int count) =>
        Enumerable.Range(0, count).Select(i => new PricingTier(Math.Max(1, threshold) + i * step, discount * (i + 1)))
            .Where(t => t.Discount < t.Threshold).ToList();

    private static readonly Gen<Scenario> AScenario =
        from lines in Gen.Choose(1, 6).SelectMany(n => ALine.ArrayOf(n))
        from templates in Gen.Choose(0, 10).SelectMany(n => ATemplate.ArrayOf(n))
        from shipping in Gen.Elements(0, 0, 1, 800, 1200)
        select Build(lines, templates, shipping);

    private static Scenario Build(CartLine[] lines, PricingTerms[] templates, long shipping)
    {
        var cart = Shipped(shipping, lines.Select((l, i) => l with { Index = i, Sku = "sku-" + i }).ToArray());
        var offers = templates.Select((t, i) => Eligibility.Check(Coupon(100 + i, t), cart, Now).Offer).OfType<Offer>().ToList();
        return new Scenario(cart, offers);
    }

    [Property(MaxTest = 3000)]
    public Property The_search_agrees_with_trying_every_subset() =>
        Prop.ForAll(AScenario.ToArbitrary(), s =>
        {
            var best = BestCombination.Find(s.Cart, s.Offers);
            var oracle = BruteForce(s.Cart, s.Offers);
            return best.Rank.CompareTo(oracle.Rank) == 0 && best.Ids().SequenceEqual(oracle.Ids())
                && best.LineDiscounts.SequenceEqual(oracle.LineDiscounts)
                && best.ShippingDiscount == oracle.ShippingDiscount
                && best.LineDiscounts.Sum() + best.ShippingDiscount == best.Discount;
        });

    [Property(MaxTest = 300)]
    public Property The_answer_does_not_depend_on_the_order_of_the_wallet() =>
        Prop.ForAll(AScenario.ToArbitrary(), s =>
            BestCombination.Find(s.Cart, s.Offers).Ids().SequenceEqual(BestCombination.Find(s.Cart, s.Offers.Reverse().ToList()).Ids()));
}
