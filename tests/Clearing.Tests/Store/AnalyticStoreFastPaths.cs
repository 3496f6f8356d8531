using PromotionEngine.Clearing.Facts;
using PromotionEngine.Clearing.Store;
using static PromotionEngine.Clearing.Tests.Facts;

namespace PromotionEngine.Clearing.Tests.Store;

/// <summary>
/// The stores' fast paths (the facts' aggregate for activity, closed days' balances for openings) answer exactly what a scan of
/// every fact or entry answers: random traffic, appended with a batch delivered again and an append cut short, compared with the
/// in-memory store, which scans.
/// </summary>
public abstract partial class AnalyticStoreContract
{
    private static readonly DateTimeOffset March1 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Reports_from_the_aggregate_equal_reports_from_a_scan_of_the_facts(int seed)
    {
        var random = new Random(seed);
        var facts = RandomFacts(random, 3_000, days: 20);
        var scan = new InMemoryAnalyticStore();
        await AppendRedeliveredAsync(facts, scan, random);

        // Los Angeles over its March change of offset and Beijing (whole hours: ClickHouse's hour rollup answers), Kolkata's half
        // hour and Kathmandu's +5:45, and a whole-hour zone from a quarter past (quarters: the aggregate answers), and boundaries off
        // the quarter hour (the facts are scanned), per day and per hour, all templates and one.
        var change = March1.AddDays(7).AddHours(10);
        var la = new[] { new OffsetSegment(March1, change, -8 * 3600), new OffsetSegment(change, March1.AddDays(20), -7 * 3600) };
        var beijing = new[] { new OffsetSegment(March1.AddHours(-8), March1.AddDays(15).AddHours(-8), 8 * 3600) };
        var kolkata = new[] { new OffsetSegment(March1.AddHours(-5.5), March1.AddDays(12).AddHours(-5.5), 19_800) };
        var kathmandu = new[] { new OffsetSegment(March1.AddHours(-5.75), March1.AddDays(12).AddHours(-5.75), 20_700) };
        var quarterPast = new[] { new OffsetSegment(March1.AddMinutes(15), March1.AddDays(9).AddMinutes(45), 3_600) };
        var ragged = new[] { new OffsetSegment(March1.AddMinutes(7).AddSeconds(3.5), March1.AddDays(9).AddMinutes(-11), 3_600) };
        var queries = from segments in new[] { la, beijing, kolkata, kathmandu, quarterPast, ragged }
                      from bucket in new[] { 86_400, 3_600 }
                      from q in new[] { (Merchant: 1L, Template: (long?)null, ByTemplate: true), (2L, null, false), (1L, 12L, true) }
                      select new ActivityQuery(q.Merchant, q.Template, segments, bucket, q.ByTemplate);
        foreach (var query in queries) Assert.Equal(await scan.ActivityAsync(query, default), await Store.ActivityAsync(query, default));

        // A day's close may rewrite the aggregate (DuckDB sums it again in merchant order): the same answers after it.
        await Store.CloseBalancesAsync(DateOnly.FromDateTime(March1.UtcDateTime).AddDays(10), default);
        foreach (var query in queries) Assert.Equal(await scan.ActivityAsync(query, default), await Store.ActivityAsync(query, default));
    }

    [Fact]
    public async Task Openings_from_closed_days_balances_equal_every_entry_before_the_day()
    {
        var random = new Random(5);
        var facts = RandomFacts(random, 2_000, days: 20);
        var scan = new InMemoryAnalyticStore();
        await AppendRedeliveredAsync(facts, scan, random);
        var first = DateOnly.FromDateTime(March1.UtcDateTime);

        Assert.Null(await Store.BalancesClosedThroughAsync(default));
        await Store.CloseBalancesAsync(first.AddDays(6), default);
        await Store.CloseBalancesAsync(first.AddDays(6), default); // again: nothing changes
        await Store.CloseBalancesAsync(first.AddDays(3), default); // an earlier day: recorded already
        Assert.Equal(first.AddDays(6), await Store.BalancesClosedThroughAsync(default));
        await AssertOpeningsAsync(scan, first);
        await Store.CloseBalancesAsync(first.AddDays(14), default);
        Assert.Equal(first.AddDays(14), await Store.BalancesClosedThroughAsync(default));
        await AssertOpeningsAsync(scan, first);
    }

    private async Task AssertOpeningsAsync(InMemoryAnalyticStore scan, DateOnly first)
    {
        for (var day = first.AddDays(-1); day <= first.AddDays(22); day = day.AddDays(1))
        {
            Assert.Equal(await scan.BalancesBeforeAsync(null, day, default), await Store.BalancesBeforeAsync(null, day, default));
            foreach (var merchant in new long[] { 1, 2, 3 })
            {
                Assert.Equal(await scan.BalancesBeforeAsync(merchant, day, default), await Store.BalancesBeforeAsync(merchant, day, default));
                var ledger = await Store.DayLedgerAsync(merchant, day, default);
                Assert.Equal(await scan.BalancesBeforeAsync(merchant, day, default), ledger.Before);
                Assert.Equal(await scan.EntriesOnAsync(merchant, day, default), ledger.On);
            }
        }
    }

    /// <summary>
    /// Appends the facts in random batches to the store under test, one batch delivered twice and one cut short by a crash and
    /// appended again with other bounds; the scan gets each once.
    /// </summary>
    private async Task AppendRedeliveredAsync(IReadOnlyList<ClearingFact> facts, InMemoryAnalyticStore scan, Random random)
    {
        await scan.AppendAsync(Batch(facts), default);
        var start = 0;
        var round = 0;
        while (start < facts.Count)
        {
            var size = Math.Min(facts.Count - start, random.Next(50, 400));
            var batch = Batch([.. facts.Skip(start).Take(size)]);
            if (round == 2) await Store.AppendAsync(batch, default); // delivered twice
            if (round == 4)
            {
                await CrashMidAppendAsync(Store, batch);
                size = Math.Min(facts.Count - start, size + 100); // the retry reads more rows after the watermark
                batch = Batch([.. facts.Skip(start).Take(size)]);
            }
            await Store.AppendAsync(batch, default);
            start += size;
            round++;
        }
        var totals = await Store.TotalsAsync(default);
        Assert.Equal(await scan.TotalsAsync(default), totals);
    }

    /// <summary>
    /// Facts of three merchants, two currencies and several templates over the days from March 1st, at random milliseconds, every
    /// movement with its statuses, some posted later than they happened (adjustments), seqs in order.
    /// </summary>
    private static List<ClearingFact> RandomFacts(Random random, int count, int days)
    {
        string[] coupons = [Movements.Claimed, Movements.Locked, Movements.Consumed, Movements.Released, Movements.Restored, Movements.Expired];
        string[] money = [Movements.DiscountSpent, Movements.DiscountReturned, Movements.DiscountClawedBack];
        var facts = new List<ClearingFact>(count);
        for (var seq = 1L; seq <= count; seq++)
        {
            var at = March1.AddMilliseconds(random.NextInt64((long)TimeSpan.FromDays(days).TotalMilliseconds));
            var merchant = random.Next(1, 4);
            var template = 10 + random.Next(0, 4);
            var currency = template == 13 ? "USD" : Cny;
            var day = DateOnly.FromDateTime(at.UtcDateTime);
            var late = random.Next(10) == 0;
            var (posting, original) = late ? (day.AddDays(random.Next(1, 3)), (DateOnly?)day) : (day, null);
            ClearingFact fact;
            if (random.Next(3) == 0)
            {
                var discount = random.Next(1, 5_000);
                fact = Money(seq, money[random.Next(money.Length)], at, discount, platformBps: random.Next(3) * 5_000, merchant: merchant,
                    template: template, coupon: random.Next(1_000), order: $"ord-{random.Next(500)}", orderAmount: random.Next(0, 50_000),
                    postingDay: posting, originalDay: original);
            }
            else
            {
                var movement = coupons[random.Next(coupons.Length)];
                var status = movement is Movements.Released or Movements.Restored ? (random.Next(2) == 0 ? "AVAILABLE" : "EXPIRED") : null;
                fact = Coupon(seq, movement, at, merchant: merchant, template: template, coupon: random.Next(1_000),
                    channel: random.Next(4) == 0 ? Channels.Distribution : Channels.Claim, status: status, postingDay: posting,
                    originalDay: original);
            }
            facts.Add(fact with { Currency = currency });
        }
        return facts;
    }
}
