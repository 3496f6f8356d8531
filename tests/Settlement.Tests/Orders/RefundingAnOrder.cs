using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PromotionEngine.Settlement.Orders;
using PromotionEngine.Settlement.Quotes;

namespace PromotionEngine.Settlement.Tests.Orders;

/// <summary>The refund policy of docs/settlement.md ("Refunds"), its worked examples, and that partial refunds add up exactly.</summary>
public class RefundingAnOrder
{
    private static PinnedQuote Order(long shipping, PinnedLine[] lines, params PinnedCoupon[] coupons) => new(1001, "CNY", shipping, lines, coupons);

    private static PinnedLine Line(int index, string sku, long unitPrice, int quantity, long discount)
        => new(index, sku, unitPrice, quantity, discount);

    private static PinnedCoupon Coupon(long id, long discount, long? threshold, params (int Line, long Share)[] shares) =>
        new(id, 1, discount, threshold, shares.Select(s => s.Line).ToList(), shares.Select(s => s.Share).ToList());

    /// <summary>Shoes 150.00 and socks 50.00, "20.00 off from 200.00" split 15.00 / 5.00, shipping 8.00: payable 188.00.</summary>
    private static readonly PinnedQuote Threshold = Order(800, [Line(0, "shoe", 15_000, 1, 1500), Line(1, "sock", 5000, 1, 500)],
        Coupon(1, 2000, 20_000, (0, 1500), (1, 500)));

    [Fact]
    public void Refunding_a_line_that_breaks_a_threshold_claws_back_the_discount_on_what_is_kept()
    {
        var socks = RefundPolicy.Assess(Threshold, [0, 1], paidOutBefore: 0);

        Assert.Equal(4500, socks.RefundedGoods);  // what the socks were paid: 50.00 - 5.00
        Assert.Equal(1500, socks.Clawback);       // the shoes alone (150.00) no longer reach 200.00: their 15.00 off goes
        Assert.Equal((3000L, 3000L, 0L), (socks.Due, socks.Payout, socks.Outstanding));
        Assert.False(socks.Whole);

        var rest = RefundPolicy.Assess(Threshold, [1, 1], socks.PaidOut);

        Assert.True(rest.Whole);
        Assert.Equal((18_000L, 800L, 0L), (rest.RefundedGoods, rest.RefundedShipping, rest.Clawback));
        Assert.Equal(15_800, rest.Payout);
        Assert.Equal(18_800, rest.PaidOut); // everything paid comes back, exactly
    }

    /// <summary>
    /// 满100减10 / 满200减25 / 满300减40 on a jacket 200.00 and a shirt 100.00: the top tier, 40.00 off, split 26.67 / 13.33. Refunding
    /// the shirt leaves 200.00: the second tier's 25.00 is what the jacket may keep, so 1.67 of its 26.67 is clawed back.
    /// </summary>
    [Fact]
    public void Refunding_down_a_tier_claws_back_only_what_the_lower_tier_does_not_give()
    {
        var order = Order(0, [Line(0, "jacket", 20_000, 1, 2667), Line(1, "shirt", 10_000, 1, 1333)],
            new PinnedCoupon(1, 1, 4000, 30_000, [0, 1], [2667, 1333], [new(10_000, 1000), new(20_000, 2500), new(30_000, 4000)]));

        var shirt = RefundPolicy.Assess(order, [0, 1], 0);

        Assert.Equal(10_000 - 1333, shirt.RefundedGoods);
        Assert.Equal(2667 - 2500, shirt.Clawback);
        Assert.Equal(10_000 - 1333 - 167, shirt.Payout);

        var jacket = RefundPolicy.Assess(order, [1, 1], shirt.PaidOut);
        Assert.Equal((0L, 30_000L - 4000), (jacket.Clawback, jacket.PaidOut));
        var each = RefundPolicy.ThisRefund(order, [0, 1], [1, 1]).Single();
        Assert.Equal((2667L - 167, 0L), (each.Returned, each.ClawedBack));
    }

    /// <summary>
    /// Shoes 150.00 + socks 50.00, shipping 12.00 taken off by "free shipping from 199.00" (paid 200.00). Refunding the socks
    /// breaks its threshold: the 12.00 shipping discount is clawed back; the last unit brings back what was paid for shipping (0).
    /// </summary>
    [Fact]
    public void A_free_shipping_coupon_whose_threshold_breaks_claws_back_the_shipping_it_took_off()
    {
        var order = Order(1200, [Line(0, "shoe", 15_000, 1, 0), Line(1, "sock", 5000, 1, 0)],
            new PinnedCoupon(1, 1, 1200, 19_900, [0, 1], [0, 0], Shipping: 1200));

        var socks = RefundPolicy.Assess(order, [0, 1], 0);
        Assert.Equal((5000L, 1200L, 0L), (socks.RefundedGoods, socks.Clawback, socks.RefundedShipping));
        Assert.Equal(3800, socks.Payout);

        var shoes = RefundPolicy.Assess(order, [1, 1], socks.PaidOut);
        Assert.Equal((20_000L, 0L, 0L), (shoes.RefundedGoods, shoes.RefundedShipping, shoes.Clawback));
        Assert.Equal(20_000, shoes.PaidOut); // everything paid: 200.00
        Assert.Equal((0L, 1200L), (RefundPolicy.ThisRefund(order, [0, 0], [0, 1]).Single().Returned,
            RefundPolicy.ThisRefund(order, [0, 0], [0, 1]).Single().ClawedBack));
    }

    [Fact]
    public void A_free_shipping_coupon_comes_back_with_the_shipping_when_the_threshold_holds()
    {
        var order = Order(1200, [Line(0, "shoe", 15_000, 2, 0)], new PinnedCoupon(1, 1, 800, null, [0], [0], Shipping: 800));

        var one = RefundPolicy.Assess(order, [1], 0);
        var two = RefundPolicy.Assess(order, [2], one.PaidOut);

        Assert.Equal((15_000L, 0L, 0L), (one.Payout, one.RefundedShipping, one.Clawback));
        Assert.Equal((15_000L + 400, 400L), (two.Payout, two.RefundedShipping));
        Assert.Equal(30_000 + 1200 - 800, two.PaidOut);
        var last = RefundPolicy.ThisRefund(order, [1], [2]).Single();
        Assert.Equal((800L, 0L), (last.Returned, last.ClawedBack));
    }

    [Fact]
    public void Below_every_tier_a_tiered_coupon_keeps_nothing_on_the_kept_units()
    {
        var order = Order(0, [Line(0, "jacket", 9000, 1, 643), Line(1, "shirt", 5000, 1, 357)],
            new PinnedCoupon(1, 1, 1000, 10_000, [0, 1], [643, 357], [new(10_000, 1000), new(20_000, 2500)]));

        Assert.Equal(643, RefundPolicy.Assess(order, [0, 1], 0).Clawback);
    }

    [Fact]
    public void A_claw_back_larger_than_the_refund_leaves_an_amount_the_buyer_owes()
    {
        // Shoes 190.00 and socks 10.00, 20.00 off from 200.00 split 19.00 / 1.00.
        var order = Order(0, [Line(0, "shoe", 19_000, 1, 1900), Line(1, "sock", 1000, 1, 100)], Coupon(1, 2000, 20_000, (0, 1900), (1, 100)));

        var socks = RefundPolicy.Assess(order, [0, 1], 0);

        Assert.Equal((900L, 1900L, -1000L), (socks.RefundedGoods, socks.Clawback, socks.Due));
        Assert.Equal((0L, 0L, 1000L), (socks.Payout, socks.PaidOut, socks.Outstanding));

        var rest = RefundPolicy.Assess(order, [1, 1], socks.PaidOut);
        Assert.Equal((18_000L, 18_000L, 0L), (rest.Payout, rest.PaidOut, rest.Outstanding));
    }

    [Fact]
    public void Without_a_threshold_the_refunded_units_give_back_what_they_were_paid()
    {
        // 3 × 30.00 with 10.01 off: the kept units keep ⌊10.01 × kept / 3⌋, the refunded ones take the rest.
        var order = Order(500, [Line(0, "cup", 3000, 3, 1001)], Coupon(1, 1001, null, (0, 1001)));

        var one = RefundPolicy.Assess(order, [1], 0);
        var two = RefundPolicy.Assess(order, [2], one.PaidOut);
        var three = RefundPolicy.Assess(order, [3], two.PaidOut);

        Assert.Equal([3000 - 334L, 3000 - 334L, 3000 - 333L + 500], new[] { one.Payout, two.Payout, three.Payout });
        Assert.Equal(9000 - 1001 + 500, three.PaidOut);
        Assert.All(new[] { one, two, three }, f => Assert.Equal(0, f.Clawback));
    }

    [Fact]
    public void A_threshold_still_met_by_the_kept_units_claws_nothing_back()
    {
        var order = Order(0, [Line(0, "shoe", 15_000, 2, 1500), Line(1, "sock", 5000, 1, 500)], Coupon(1, 2000, 20_000, (0, 1500), (1, 500)));

        var socks = RefundPolicy.Assess(order, [0, 1], 0); // the shoes alone are 300.00, still over 200.00

        Assert.Equal((4500L, 0L, 4500L), (socks.RefundedGoods, socks.Clawback, socks.Payout));
    }

    [Fact]
    public void Refunds_in_any_steps_add_up_to_one_refund_of_the_same_units_and_in_the_end_to_the_payable()
    {
        var random = new Random(6);
        for (var trial = 0; trial < 2000; trial++)
        {
            var lines = Enumerable.Range(0, random.Next(1, 5)).Select(i => (Price: (long)random.Next(1, 50_000), Quantity: random.Next(1, 6)))
                .ToArray();
            var coupons = new List<PinnedCoupon>();
            var lineDiscounts = new long[lines.Length];
            for (var c = 0; c < random.Next(0, 3); c++)
            {
                var covered = Enumerable.Range(0, lines.Length).Where(_ => random.Next(2) == 0).DefaultIfEmpty(0).Distinct().ToList();
                var shares = covered.Select(l => (long)random.Next(
                    0, (int)Math.Min(int.MaxValue, lines[l].Price * lines[l].Quantity - lineDiscounts[l] + 1))).ToList();
                for (var j = 0; j < covered.Count; j++) lineDiscounts[covered[j]] += shares[j];
                var list = covered.Sum(l => lines[l].Price * lines[l].Quantity);
                long? threshold = random.Next(2) == 0 ? null : random.NextInt64(1, list + 1);
                coupons.Add(new PinnedCoupon(c + 1, 1, shares.Sum(), threshold, covered, shares));
            }
            var shipping = random.Next(0, 1000);
            var order = Order(shipping, lines.Select((l, i) => Line(i, $"sku{i}", l.Price, l.Quantity, lineDiscounts[i])).ToArray(), [.. coupons]);
            var payable = lines.Sum(l => l.Price * l.Quantity) - lineDiscounts.Sum() + shipping;

            var refunded = new int[lines.Length];
            long paidOut = 0, payouts = 0;
            RefundFigures? last = null;
            while (refunded.Where((r, i) => r < lines[i].Quantity).Any())
            {
                var i = random.Next(lines.Length);
                if (refunded[i] == lines[i].Quantity) continue;
                refunded[i] += random.Next(1, lines[i].Quantity - refunded[i] + 1);
                last = RefundPolicy.Assess(order, refunded, paidOut);
                Assert.True(last.Payout >= 0 && last.Outstanding >= 0);
                var atOnce = RefundPolicy.Assess(order, refunded, 0);
                Assert.Equal((atOnce.RefundedGoods, atOnce.Clawback, atOnce.Due), (last.RefundedGoods, last.Clawback, last.Due));
                (paidOut, payouts) = (last.PaidOut, payouts + last.Payout);
            }
            Assert.True(last!.Whole);
            Assert.Equal((payable, payable, 0L), (last.PaidOut, payouts, last.Outstanding));
        }
    }

    [Fact]
    public void Each_coupon_says_what_left_with_the_refunded_units_and_what_its_broken_threshold_clawed_back()
    {
        var socks = RefundPolicy.ThisRefund(Threshold, [0, 0], [0, 1]);

        Assert.Equal([new CouponRefund(1, 1, Returned: 500, ClawedBack: 1500)], socks);

        // The shoes later: the coupon's whole discount was taken back already (5.00 returned, 15.00 clawed back).
        var rest = RefundPolicy.ThisRefund(Threshold, [0, 1], [1, 1]);

        Assert.Equal([new CouponRefund(1, 1, 0, 0)], rest);
    }

    [Fact]
    public void The_whole_order_at_once_returns_every_coupon_s_discount_and_claws_nothing_back()
    {
        var twoCoupons = Order(600, [Line(0, "shoe", 9000, 2, 1800), Line(1, "sock", 2000, 1, 500)],
            Coupon(7, 2000, 20_000, (0, 1800), (1, 200)), Coupon(8, 300, null, (1, 300)));

        var whole = RefundPolicy.ThisRefund(twoCoupons, [0, 0], [2, 1]);

        Assert.Equal([new CouponRefund(7, 1, 2000, 0), new CouponRefund(8, 1, 300, 0)], whole);
    }

    [Fact]
    public void Without_a_threshold_a_coupon_s_discount_comes_back_with_each_unit_rounded_as_the_refunds_are()
    {
        var order = Order(500, [Line(0, "cup", 3000, 3, 1001)], Coupon(1, 1001, null, (0, 1001)));

        var taken = new[] { 1, 2, 3 }.Select(refunded => Assert.Single(RefundPolicy.ThisRefund(order, [refunded - 1], [refunded]))).ToList();

        Assert.Equal([334L, 334L, 333L], taken.Select(c => c.Returned));
        Assert.All(taken, c => Assert.Equal(0, c.ClawedBack));
    }

    [Fact]
    public void A_claw_back_taken_once_is_not_taken_again_as_its_units_leave()
    {
        // Three lines, 20.00 off from 200.00 split 10.00 / 5.00 / 5.00. The hat leaving breaks the threshold: the 10.00 kept on
        // the shoes and the 5.00 on the socks are clawed back. The socks and then the shoes leaving later take nothing more.
        var order = Order(0, [Line(0, "shoe", 10_000, 1, 1000), Line(1, "sock", 5000, 1, 500), Line(2, "hat", 5000, 1, 500)],
            Coupon(1, 2000, 20_000, (0, 1000), (1, 500), (2, 500)));

        Assert.Equal([new CouponRefund(1, 1, 500, 1500)], RefundPolicy.ThisRefund(order, [0, 0, 0], [0, 0, 1]));
        Assert.Equal([new CouponRefund(1, 1, 0, 0)], RefundPolicy.ThisRefund(order, [0, 0, 1], [0, 1, 1]));
        Assert.Equal([new CouponRefund(1, 1, 0, 0)], RefundPolicy.ThisRefund(order, [0, 1, 1], [1, 1, 1]));
        Assert.Throws<ArgumentException>(() => RefundPolicy.ThisRefund(order, [0, 0, 1], [0, 0, 0]));
    }

    /// <summary>An order of 1 to 4 lines and 0 to 3 coupons (each on some of its lines, some with a threshold), and refunds of it.</summary>
    private static readonly Gen<(PinnedQuote Order, (int Line, int Units)[] Refunds)> AnOrderAndItsRefunds =
        from lines in Gen.Choose(1, 4).SelectMany(n => Gen.Zip(Gen.Choose(1, 50_000), Gen.Choose(1, 5)).ArrayOf(n))
        from coupons in Gen.Choose(0, 3).SelectMany(n =>
            Gen.Zip(Gen.Zip(Gen.Choose(0, 1000).ArrayOf(lines.Length), Gen.Elements(0, 0, 1, 300, 700, 999, 1000)),
                    Gen.Elements(false, true))
                .Select(c => (c.Item1.Item1, c.Item1.Item2, c.Item2)).ArrayOf(n))
        from shipping in Gen.Choose(0, 1000)
        from refunds in Gen.Zip(Gen.Choose(0, lines.Length - 1), Gen.Choose(1, 5)).ArrayOf()
        select (OrderOf(lines, coupons, shipping), refunds);

    // Each coupon takes its weight (0: not on the line) in thousandths of a third of a line's list total, so three fit on any line.
    // A tiered coupon (Tiered, with a threshold) reached its top tier; the tier below asks half the threshold for half the discount.
    private static PinnedQuote OrderOf((int Price, int Quantity)[] lines, (int[] Weights, int Threshold, bool Tiered)[] coupons, int shipping)
    {
        var discounts = new long[lines.Length];
        var pinned = coupons.Select((c, k) =>
        {
            var on = Enumerable.Range(0, lines.Length).Where(i => c.Weights[i] > 0).DefaultIfEmpty(0).ToList();
            var shares = on.Select(i => (long)lines[i].Price * lines[i].Quantity * c.Weights[i] / 3000).ToList();
            for (var j = 0; j < on.Count; j++) discounts[on[j]] += shares[j];
            var list = on.Sum(i => (long)lines[i].Price * lines[i].Quantity);
            // Met by the whole order, as pricing requires; 1000 (all of it) breaks with the first unit of a line with a price.
            long? threshold = c.Threshold == 0 ? null : Math.Max(1, list * c.Threshold / 1000);
            var discount = shares.Sum();
            var tiers = c.Tiered && threshold is { } top && top > 1 && discount > 1
                ? new List<PinnedTier> { new(top / 2, discount / 2), new(top, discount) }
                : null;
            return new PinnedCoupon(100 + k, 10 + k, discount, threshold, on.Select(i => i + 1).ToList(), shares, tiers);
        }).ToArray();
        // A shipping fee that is a multiple of 3 had a FREE_SHIPPING coupon take half of it off; with an even one, from the whole order.
        if (shipping > 0 && shipping % 3 == 0)
        {
            var all = Enumerable.Range(1, lines.Length).ToList();
            long? from = shipping % 2 == 0 ? lines.Sum(l => (long)l.Price * l.Quantity) : null;
            pinned = [.. pinned, new PinnedCoupon(200, 20, shipping / 2, from, all, all.Select(_ => 0L).ToList(), Shipping: shipping / 2)];
        }
        return Order(shipping, lines.Select((l, i) => Line(i + 1, $"sku{i}", l.Price, l.Quantity, discounts[i])).ToArray(), pinned);
    }

    [Property(MaxTest = 2000)]
    public Property What_each_refund_takes_of_each_coupon_adds_up_to_the_policy_s_totals_and_in_the_end_to_its_discount() =>
        Prop.ForAll(AnOrderAndItsRefunds.ToArbitrary(), c =>
        {
            var (order, steps) = c;
            var refunded = new int[order.Lines.Count];
            var settled = new List<CouponRefund>();
            long paidOut = 0;
            // The random steps (what is left of a line, at most), then the rest of the order at once.
            foreach (var step in steps.Select(s => (s.Line, s.Units)).Append((Line: -1, Units: 0)))
            {
                var after = refunded.ToArray();
                if (step.Line < 0) after = order.Lines.Select(l => l.Quantity).ToArray();
                else after[step.Line] += Math.Min(step.Units, order.Lines[step.Line].Quantity - after[step.Line]);
                if (after.SequenceEqual(refunded)) continue;

                var figures = RefundPolicy.Assess(order, after, paidOut);
                var thisRefund = RefundPolicy.ThisRefund(order, refunded, after);
                settled.AddRange(thisRefund);
                (refunded, paidOut) = (after, figures.PaidOut);

                Assert.All(thisRefund, t => Assert.True(t.Returned >= 0 && t.ClawedBack >= 0, $"{t} is negative"));
                var taken = settled.GroupBy(t => t.CouponId).ToDictionary(g => g.Key, g => g.Sum(t => t.Returned + t.ClawedBack));
                var totals = RefundPolicy.Coupons(order, refunded);
                Assert.Equal(totals.Select(t => t.Returned + t.ClawedBack), order.Coupons.Select(p => taken[p.CouponId]));
                var refundedList = order.Lines.Select((l, i) => l.UnitPrice * refunded[i]).Sum();
                var shippingBack = figures.Whole ? order.Coupons.Sum(p => p.Shipping) : 0; // left with the fee, not the goods
                Assert.Equal(refundedList - figures.RefundedGoods + figures.Clawback + shippingBack, taken.Values.Sum());
                Assert.Equal(figures.Whole ? order.ShippingFee - order.Coupons.Sum(p => p.Shipping) : 0, figures.RefundedShipping);
            }
            Assert.Equal(order.Coupons.Select(p => p.Discount),
                order.Coupons.Select(p => settled.Where(t => t.CouponId == p.CouponId).Sum(t => t.Returned + t.ClawedBack)));
        });

    [Fact]
    public void A_refund_names_units_by_sku_and_cannot_take_more_than_is_left()
    {
        var order = Order(0, [Line(0, "tee", 1000, 2, 0), Line(1, "cap", 500, 1, 0), Line(2, "tee", 1000, 1, 0)]);

        Assert.Equal([2, 0, 1], RefundUnits.After(order, [0, 0, 0], [new SkuQuantity("tee", 3)]).After); // a shared sku: first line first
        Assert.Equal([2, 1, 1], RefundUnits.After(order, [1, 0, 0], null).After);
        Assert.Equal(RefundUnits.ExceedsOrder, RefundUnits.After(order, [2, 0, 0], [new SkuQuantity("tee", 2)]).Code);
        Assert.Equal(RefundUnits.LineUnknown, RefundUnits.After(order, [0, 0, 0], [new SkuQuantity("hat", 1)]).Code);
        Assert.Equal(RefundUnits.NothingToRefund, RefundUnits.After(order, [2, 1, 1], null).Code);
    }
}
