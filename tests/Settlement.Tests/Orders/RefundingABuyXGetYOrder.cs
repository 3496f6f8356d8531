using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PromotionEngine.Settlement.Orders;
using PromotionEngine.Settlement.Pricing;
using PromotionEngine.Settlement.Quotes;
using static PromotionEngine.Settlement.Tests.Pricing.Carts;

namespace PromotionEngine.Settlement.Tests.Orders;

/// <summary>
/// Refunds of an order with a BUY_X_GET_Y coupon (docs/settlement.md, "Refunds", worked examples): the kept units keep at most the
/// least discount the deal gives any part of the order holding them, so a claw-back is taken when a group breaks, stays taken, and
/// refunds in any steps add up.
/// </summary>
public class RefundingABuyXGetYOrder
{
    /// <summary>The order as the quote pins it: the coupon's shares from the pricing itself.</summary>
    private static PinnedQuote Quoted(PricingTerms deal, params CartLine[] lines)
    {
        var cart = Of(lines);
        var result = Priced(cart, Coupon(1, deal));
        var applied = Assert.Single(result.Choice.Coupons);
        return new PinnedQuote(1001, "CNY", 0,
            lines.Select(l => new PinnedLine(l.Index, l.Sku, l.UnitPrice, l.Quantity, result.Choice.LineDiscounts[l.Index])).ToList(),
            [new PinnedCoupon(1, 10, applied.Discount, null, applied.Offer.Lines, applied.Offer.Lines.Select(i => applied.Shares[i]).ToList(),
                Deal: PinnedDeal.Of(deal))]);
    }

    /// <summary>
    /// 买二送一 on T-shirts: three white tees at 80.00 and a kids' tee at 50.00. Four units make one group: the kids' tee is free
    /// (50.00 off, all on its line); payable 240.00.
    /// </summary>
    private static readonly PinnedQuote Tees =
        Quoted(BuyGet(2, 1, products: 1), Line(0, 1, 80_00, quantity: 3, product: 1), Line(1, 1, 50_00, product: 1));

    [Fact]
    public void A_refund_that_leaves_a_whole_group_claws_nothing_back_and_one_that_breaks_it_claws_back_the_free_unit()
    {
        Assert.Equal([0L, 50_00], Tees.Coupons[0].Shares);

        var first = RefundPolicy.Assess(Tees, [1, 0], paidOutBefore: 0);
        Assert.Equal((80_00L, 0L, 80_00L), (first.RefundedGoods, first.Clawback, first.Payout)); // 2 white + kids' tee: still a group

        var second = RefundPolicy.Assess(Tees, [2, 0], first.PaidOut);
        Assert.Equal((160_00L, 50_00L), (second.RefundedGoods, second.Clawback)); // 1 white + kids' tee: no group, its 50.00 goes
        Assert.Equal((30_00L, 110_00L), (second.Payout, second.PaidOut));          // the buyer keeps 130.00 of goods for 130.00
        var each = RefundPolicy.ThisRefund(Tees, [1, 0], [2, 0]).Single();
        Assert.Equal((0L, 50_00L), (each.Returned, each.ClawedBack));

        var rest = RefundPolicy.Assess(Tees, [3, 1], second.PaidOut);
        Assert.Equal((0L, 240_00L), (rest.Clawback, rest.PaidOut)); // everything paid comes back
    }

    [Fact]
    public void Refunding_the_free_unit_returns_what_was_paid_for_it_nothing()
    {
        var kids = RefundPolicy.Assess(Tees, [0, 1], 0);

        Assert.Equal((0L, 0L, 0L), (kids.RefundedGoods, kids.Clawback, kids.Payout));
    }

    /// <summary>
    /// A sock at 10.00 and five shirts at 100.00, 买二送一: six units, two free, the sock and a shirt (110.00 off). Refunding a shirt
    /// leaves five units, one group, whose free unit is the sock: the kept units may keep 10.00, and 80.00 of the 90.00 on them is
    /// clawed back. The four shirts kept after the sock goes too keep no more than that 10.00: the same units with the sock back
    /// earn 10.00, and a claw-back once taken is not given back.
    /// </summary>
    [Fact]
    public void A_claw_back_taken_when_a_cheaper_unit_became_the_free_one_stays_taken()
    {
        var order = Quoted(BuyGet(2, 1, products: 1), Line(0, 1, 10_00, product: 1), Line(1, 1, 100_00, quantity: 5, product: 1));
        Assert.Equal([10_00L, 100_00], order.Coupons[0].Shares);

        var shirt = RefundPolicy.Assess(order, [0, 1], 0);
        Assert.Equal((80_00L, 80_00L, 0L), (shirt.RefundedGoods, shirt.Clawback, shirt.Payout));

        var sock = RefundPolicy.Assess(order, [1, 1], shirt.PaidOut);
        Assert.Equal((80_00L, 70_00L, 10_00L), (sock.RefundedGoods, sock.Clawback, sock.Payout));
        // The sock's 10.00 leaves with it, but the claw-back had taken it already: this refund takes nothing more of the coupon.
        var each = RefundPolicy.ThisRefund(order, [0, 1], [1, 1]).Single();
        Assert.Equal((0L, 0L), (each.Returned, each.ClawedBack));
    }

    [Fact]
    public void The_second_item_half_price_refunded_as_the_paid_item_leaves_the_half_price_one_at_list_price()
    {
        // A 100.00 and a 60.00 item, the second at half price: 30.00 off the 60.00 one. Refund the 100.00 one: the 60.00 one
        // alone earns nothing, its 30.00 is clawed back; the buyer gets 70.00 back and keeps 60.00 of goods for 60.00.
        var order = Quoted(BuyGet(1, 1, percent: 5000, products: 1), Line(0, 1, 100_00, product: 1), Line(1, 1, 60_00, product: 1));

        var figures = RefundPolicy.Assess(order, [1, 0], 0);

        Assert.Equal((100_00L, 30_00L, 70_00L), (figures.RefundedGoods, figures.Clawback, figures.Payout));
    }

    // ---- the properties ----

    /// <summary>An order of 1 to 4 lines in scope (price, units), a deal (buy, get, percent, cap) and units kept of each line.</summary>
    private static readonly Gen<(CartLine[] Lines, PricingTerms Deal, int[] Kept)> AnOrder =
        from lines in Gen.Choose(1, 4).SelectMany(n => Gen.Zip(Gen.Elements(0, 1, 999, 1000, 2500, 7001), Gen.Choose(1, 5)).ArrayOf(n))
        from buy in Gen.Choose(1, 3)
        from get in Gen.Choose(1, 2)
        from percent in Gen.Elements(1, 3333, 5000, 10_000)
        from cap in Gen.Elements(0, 0, 700, 5000)
        from kept in Gen.Choose(0, 5).ArrayOf(lines.Length)
        select (lines.Select((l, i) => Line(i, 1, l.Item1, quantity: l.Item2, product: 1)).ToArray(),
            BuyGet(buy, get, percent, cap > 0 ? cap : null, products: 1), kept.Select((k, i) => Math.Min(k, lines[i].Item2)).ToArray());

    /// <summary>What the deal gives units bought on their own.</summary>
    private static long Bought(PricingTerms deal, long[] prices, int[] units)
    {
        var sorted = prices.Select((p, i) => (p, units[i])).OrderBy(x => x.p).ToList();
        var left = UnitGroups.DiscountedUnits(units.Sum(), deal.BuyQuantity!.Value, deal.GetQuantity!.Value);
        long list = 0;
        foreach (var (p, n) in sorted)
        {
            var take = Math.Min(left, n);
            list += p * take;
            left -= take;
        }
        return UnitGroups.Value(list, deal.PercentOff!.Value, deal.MaxDiscountAmount);
    }

    private static IEnumerable<int[]> Between(int[] low, int[] high)
    {
        if (low.Length == 0)
        {
            yield return [];
            yield break;
        }
        for (var n = low[0]; n <= high[0]; n++)
            foreach (var rest in Between(low[1..], high[1..])) yield return [n, .. rest];
    }

    [Property(MaxTest = 1500)]
    public Property The_entitlement_is_the_least_the_deal_gives_any_part_of_the_order_holding_the_kept_units() =>
        Prop.ForAll(AnOrder.ToArbitrary(), o =>
        {
            var prices = o.Lines.Select(l => l.UnitPrice).ToArray();
            var quantities = o.Lines.Select(l => l.Quantity).ToArray();
            var oracle = Between(o.Kept, quantities).Min(units => Bought(o.Deal, prices, units));
            return DealEntitlement.Of(PinnedDeal.Of(o.Deal)!, prices, quantities, o.Kept) == oracle;
        });

    [Property(MaxTest = 1500)]
    public Property Refunds_in_any_steps_never_take_back_less_than_before_and_add_up_to_the_discount() =>
        Prop.ForAll(AnOrder.ToArbitrary(), Gen.Choose(0, 3).ArrayOf().ToArbitrary(), (o, steps) =>
        {
            var cart = Of(o.Lines);
            if (Eligibility.Check(Coupon(1, o.Deal), cart, Now).Offer is null) return true; // no group, or nothing off
            var order = Quoted(o.Deal, o.Lines);
            var refunded = new int[o.Lines.Length];
            long taken = 0;
            foreach (var line in steps.Where(s => s < o.Lines.Length).Append(-1))
            {
                var after = line < 0 ? o.Lines.Select(l => l.Quantity).ToArray() : refunded.ToArray();
                if (line >= 0 && after[line] < o.Lines[line].Quantity) after[line]++;
                if (after.SequenceEqual(refunded)) continue;
                var each = RefundPolicy.ThisRefund(order, refunded, after).Single(); // throws if less is taken back than before
                taken += each.Returned + each.ClawedBack;
                refunded = after;
                // Never better for the buyer than buying the kept units on their own.
                var keptDiscount = order.Coupons[0].Discount - taken;
                Assert.True(keptDiscount <= Bought(o.Deal, o.Lines.Select(l => l.UnitPrice).ToArray(),
                    o.Lines.Select((l, i) => l.Quantity - refunded[i]).ToArray()));
            }
            return taken == order.Coupons[0].Discount;
        });
}
