using PromotionEngine.Clearing.Reconciliation;

namespace PromotionEngine.Clearing.Tests.Reconciliation;

/// <summary>
/// 100 000 generated orders; drift of every kind is injected into the sources at random orders, and the reconciliation must
/// find every injected discrepancy and report nothing else.
/// </summary>
public class DriftInAHundredThousandOrders
{
    private const int Orders = 100_000;
    private const int PerKind = 7;

    [Fact]
    public async Task Clean_sources_agree()
    {
        var day = ADay.Of(Orders);
        var tally = new MatchTally();

        var found = await day.ReconcileAsync(tally: tally);

        Assert.Empty(found);
        Assert.Equal(Orders, tally.EngineOrders);
        Assert.Equal(Orders, tally.OrderLines);
    }

    [Fact]
    public async Task Every_injected_discrepancy_is_found_and_nothing_else()
    {
        var day = ADay.Of(Orders);
        var random = new Random(16);
        var picks = new Queue<int>(Enumerable.Range(0, Orders).OrderBy(_ => random.Next()));
        var expected = new HashSet<(string Kind, string Order, long? Coupon)>();
        var engine = day.Engine.ToDictionary(o => o.OrderId);

        // Takes the next random order that matches (orders are used once: drifts never overlap).
        string Next(Func<EngineOrderView, bool> fits)
        {
            while (true)
            {
                var i = picks.Dequeue();
                var o = day.Engine[i];
                if (fits(new EngineOrderView(o.Status, o.Coupons.Count))) return o.OrderId;
            }
        }

        for (var n = 0; n < PerKind; n++)
        {
            // Delete a fact: one coupon's fact of a two-coupon order; the only fact of an order.
            var twoCoupons = Next(o => o.Coupons == 2 && o.Status == OrderStatuses.Paid);
            var gone = engine[twoCoupons].Coupons[1].CouponId;
            day.Cleared.RemoveAll(c => c.UserCouponId == gone);
            expected.Add((DiscrepancyKinds.MissingInClearing, twoCoupons, gone));
            var oneCoupon = Next(o => o.Coupons == 1);
            day.Cleared.RemoveAll(c => c.OrderId == oneCoupon);
            expected.Add((DiscrepancyKinds.MissingInClearing, oneCoupon, null));

            // Change an amount by one fen: in the order file (the order's total), in the clearing facts (one coupon).
            var inFile = Next(_ => true);
            Replace(day.Lines, l => l.OrderId == inFile, l => l with { Discount = l.Discount + 1 });
            expected.Add((DiscrepancyKinds.AmountMismatch, inFile, null));
            var inFacts = Next(_ => true);
            var fenCoupon = engine[inFacts].Coupons[0].CouponId;
            Replace(day.Cleared, c => c.UserCouponId == fenCoupon, c => c with { Discount = c.Discount - 1 });
            expected.Add((DiscrepancyKinds.AmountMismatch, inFacts, fenCoupon));

            // Drop an event: clearing never heard of the refund; the engine's coupon never heard of the payment.
            var refundLost = Next(o => o.Status == OrderStatuses.Refunded);
            Replace(day.Cleared, c => c.OrderId == refundLost, c => c with { Restored = false, Returned = 0 });
            expected.Add((DiscrepancyKinds.StatusMismatch, refundLost, null));
            var consumeLost = Next(o => o.Status == OrderStatuses.Paid);
            var notConsumed = engine[consumeLost].Coupons[0].CouponId;
            day.Uses.RemoveAll(u => u.CouponId == notConsumed);
            expected.Add((DiscrepancyKinds.StatusMismatch, consumeLost, notConsumed));

            // Duplicate an order line.
            var twice = Next(_ => true);
            var line = day.Lines.Single(l => l.OrderId == twice);
            day.Lines.Add(line with { Row = 1_000_000 + n });
            expected.Add((DiscrepancyKinds.DuplicatedOrderLine, twice, null));

            // Mark a refunded order paid in the order file.
            var markedPaid = Next(o => o.Status == OrderStatuses.Refunded);
            Replace(day.Lines, l => l.OrderId == markedPaid, l => l with { Status = OrderStatuses.Paid });
            expected.Add((DiscrepancyKinds.StatusMismatch, markedPaid, null));

            // A coupon used twice: the order system has a second order with a coupon another order spent (the engine and the
            // clearing facts know nothing of that order).
            var first = Next(_ => true);
            var reused = engine[first].Coupons[0].CouponId;
            var second = $"ZZ-REUSED-{n}";
            day.Lines.Add(new OrderLine(2_000_000 + n, second, engine[first].PaidAt, [reused], 100, OrderStatuses.Paid));
            expected.Add((DiscrepancyKinds.CouponUsedTwice, first, reused));
            expected.Add((DiscrepancyKinds.MissingInEngine, second, null));
            expected.Add((DiscrepancyKinds.MissingInClearing, second, null));

            // Missing in the order file; missing in the engine's settlement records.
            var notInFile = Next(_ => true);
            day.Lines.RemoveAll(l => l.OrderId == notInFile);
            expected.Add((DiscrepancyKinds.MissingInOrders, notInFile, null));
            var notInEngine = Next(_ => true);
            day.Engine.RemoveAll(o => o.OrderId == notInEngine);
            expected.Add((DiscrepancyKinds.MissingInEngine, notInEngine, null));
        }

        var found = await day.ReconcileAsync();

        var reported = found.Select(d => (d.Kind, d.OrderId, d.CouponId)).ToList();
        Assert.Equal(reported.Count, reported.Distinct().Count());
        Assert.Empty(expected.Except(reported));
        Assert.Empty(reported.Except(expected));
        Assert.All(DiscrepancyKinds.All, kind => Assert.Contains(found, d => d.Kind == kind));
    }

    [Fact]
    public async Task An_order_line_paid_another_day_is_left_out()
    {
        var day = ADay.Of(1_000);
        var midnight = new DateTimeOffset(ADay.Day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        day.Lines.Add(day.Lines[0] with { OrderId = "NEXT-DAY", PaidAt = midnight });
        var tally = new MatchTally();

        Assert.Empty(await day.ReconcileAsync(tally: tally));
        Assert.Equal(1, tally.OrderLinesOtherDay);
    }

    [Fact]
    public async Task One_merchants_day_compares_only_its_orders()
    {
        const long merchant = 3;
        var day = ADay.Of(10_000).AsReadFor(merchant);
        var changed = day.Lines[5].OrderId;
        Replace(day.Lines, l => l.OrderId == changed, l => l with { Discount = l.Discount + 1 });

        var found = await day.ReconcileAsync(merchant);

        Assert.Equal([(DiscrepancyKinds.AmountMismatch, changed, (long?)null)], found.Select(d => (d.Kind, d.OrderId, d.CouponId)));
    }

    [Fact]
    public async Task A_merchants_refunded_order_without_clearing_facts_is_still_compared_on_the_engine_side()
    {
        const long merchant = 4;
        var day = ADay.Of(1_000).AsReadFor(merchant);
        var refunded = day.Engine.First(o => o.Status == OrderStatuses.Refunded && day.MerchantOf[o.OrderId] == merchant).OrderId;
        day.Cleared.RemoveAll(c => c.OrderId == refunded); // its events never reached the clearing; its coupons are restored

        var found = await day.ReconcileAsync(merchant);

        var missing = Assert.Single(found);
        Assert.Equal((DiscrepancyKinds.MissingInClearing, refunded, (long?)null), (missing.Kind, missing.OrderId, missing.CouponId));
    }

    [Fact]
    public async Task One_partition_or_many_find_the_same()
    {
        var day = ADay.Of(5_000);
        day.Lines.RemoveAt(17);
        day.Cleared.RemoveAt(40);

        var one = await day.ReconcileAsync(partitions: 1);
        var many = await day.ReconcileAsync(partitions: 64);

        Assert.Equal(2, one.Count);
        Assert.Equal(one.OrderBy(d => d.OrderId), many.OrderBy(d => d.OrderId));
    }

    private sealed record EngineOrderView(string Status, int Coupons);

    private static void Replace<T>(List<T> list, Predicate<T> which, Func<T, T> change)
    {
        var hits = 0;
        for (var i = 0; i < list.Count; i++)
        {
            if (!which(list[i])) continue;
            list[i] = change(list[i]);
            hits++;
        }
        Assert.True(hits > 0);
    }
}
