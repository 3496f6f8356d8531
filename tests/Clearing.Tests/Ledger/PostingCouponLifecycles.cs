using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PromotionEngine.Clearing.Days;
using PromotionEngine.Clearing.Facts;
using PromotionEngine.Clearing.Ledger;

namespace PromotionEngine.Clearing.Tests.Ledger;

/// <summary>
/// The posting rules over random coupon lifecycles (claims, locks, releases, consumes, partial refunds with claw-back, restores,
/// expiries, every funding split, days closed in between): every merchant's trial balance is zero per day, currency and unit,
/// and the balances say where every coupon and every fen went. A posting that would unbalance is refused.
/// </summary>
public sealed class PostingCouponLifecycles
{
    private static readonly DateTimeOffset Start = new(2026, 6, 18, 0, 0, 0, TimeSpan.Zero);

    [Property(MaxTest = 200)]
    public Property Every_merchant_day_currency_and_unit_balances_to_zero() =>
        Prop.ForAll(Arb.From(Gen.Choose(1, int.MaxValue)), seed =>
        {
            var world = Simulate(new Random(seed), coupons: 25);
            var entries = world.Facts.SelectMany(Posting.For).ToList();
            var unbalanced = entries.GroupBy(e => (e.MerchantId, e.PostingDay, e.Currency, e.Unit)).Where(g => g.Sum(e => e.Amount) != 0);
            Assert.Empty(unbalanced.Select(g => g.Key));
            Assert.All(entries.Where(e => e.OriginalDay is not null), e => Assert.True(e.PostingDay > e.OriginalDay));
            Assert.All(entries, e => Assert.DoesNotContain(e.PostingDay, world.Closed));

            foreach (var merchant in world.Expected.Keys)
            {
                var balance = entries.Where(e => e.MerchantId == merchant).GroupBy(e => e.Account)
                    .ToDictionary(g => g.Key, g => g.Sum(e => e.Amount));
                long Of(string account) => balance.GetValueOrDefault(account);
                var expected = world.Expected[merchant];
                Assert.Equal(-expected.Issued, Of(Accounts.CouponsIssued));
                Assert.Equal(expected.Available, Of(Accounts.CouponsOutstanding));
                Assert.Equal(expected.Locked, Of(Accounts.CouponsLocked));
                Assert.Equal(expected.Redeemed, Of(Accounts.CouponsRedeemed));
                Assert.Equal(expected.Expired, Of(Accounts.CouponsExpired));
                Assert.Equal(-expected.Spent, Of(Accounts.DiscountGiven));
                Assert.Equal(expected.Returned, Of(Accounts.DiscountReturned));
                Assert.Equal(expected.ClawedBack, Of(Accounts.DiscountClawedBack));
                Assert.Equal(expected.MerchantBears, Of(Accounts.MerchantExpense));
                Assert.Equal(expected.PlatformSubsidises, Of(Accounts.PlatformSubsidy));
            }
            return true;
        });

    [Property(MaxTest = 200)]
    public Property A_discount_whose_funding_parts_do_not_add_up_is_refused() =>
        Prop.ForAll(Arb.From(Gen.Choose(1, 1_000_000)), Arb.From(Gen.Choose(0, 10_000)), Arb.From(Gen.Choose(1, 1000)), (discount, bps, off) =>
        {
            foreach (var movement in new[] { Movements.DiscountSpent, Movements.DiscountReturned, Movements.DiscountClawedBack })
            {
                var fact = Facts.Money(1, movement, Start, discount, bps);
                Assert.NotEmpty(Posting.For(fact));
                var broken = fact with { MerchantPart = fact.MerchantPart + off };
                var refused = Assert.Throws<UnbalancedPostingException>(() => Posting.For(broken));
                Assert.Same(broken, refused.Fact);
            }
            return true;
        });

    [Fact]
    public void Legs_that_do_not_add_up_are_refused_per_unit()
    {
        var fact = Facts.Coupon(1, Movements.Claimed, Start);
        Posting.Check(fact, [(LedgerUnits.Coupons, Accounts.CouponsOutstanding, 1), (LedgerUnits.Coupons, Accounts.CouponsIssued, -1)]);
        Assert.Throws<UnbalancedPostingException>(() => Posting.Check(fact,
            [(LedgerUnits.Coupons, Accounts.CouponsOutstanding, 1), (LedgerUnits.Money, Accounts.CouponsIssued, -1)]));
    }

    [Fact]
    public void Allocations_and_terminations_post_nothing()
    {
        Assert.Empty(Posting.For(Facts.Money(1, Movements.DiscountAllocated, Start, 500)));
        Assert.Empty(Posting.For(Facts.Coupon(2, Movements.Terminated, Start) with { Coupons = 0 }));
    }

    private sealed class Expectation
    {
        public long Issued, Available, Locked, Redeemed, Expired, Spent, Returned, ClawedBack, MerchantBears, PlatformSubsidises;
    }

    private sealed record World(List<ClearingFact> Facts, Dictionary<long, Expectation> Expected, HashSet<DateOnly> Closed);

    /// <summary>Coupons of a few merchants and templates living random lives over a few days, some of which close early.</summary>
    private static World Simulate(Random random, int coupons)
    {
        var closed = Enumerable.Range(0, 4).Where(_ => random.Next(3) == 0)
            .Select(d => DateOnly.FromDateTime(Start.UtcDateTime).AddDays(d)).ToHashSet();
        var calendar = new PostingCalendar(closed);
        var facts = new List<ClearingFact>();
        var expected = new Dictionary<long, Expectation>();
        var seq = 0L;
        for (var c = 0; c < coupons; c++)
        {
            var merchant = random.Next(1, 4);
            var e = expected.TryGetValue(merchant, out var x) ? x : expected[merchant] = new Expectation();
            var bps = random.Next(4) switch { 0 => 0, 1 => 10_000, _ => random.Next(1, 10_000) };
            var at = Start.AddMinutes(random.Next(0, 60 * 24 * 3));
            var coupon = 1000L + c;
            void Add(ClearingFact fact)
            {
                var (posting, original) = calendar.PostingDayOf(DayNumbers.UtcDay(fact.OccurredAt));
                facts.Add(fact with
                {
                    Seq = ++seq,
                    MerchantId = merchant,
                    TemplateId = merchant * 10,
                    UserCouponId = coupon,
                    PostingDay = posting,
                    OriginalDay = original,
                    Funding = bps == 0 ? "MERCHANT" : bps == 10_000 ? "PLATFORM" : "SPLIT",
                    PlatformShareBps = bps
                });
                at = at.AddMinutes(random.Next(1, 600));
            }
            void Money(string movement, long amount, string order)
            {
                var platform = Contracts.Events.MerchantAdmin.V1.FundingKinds.PlatformPart(amount, bps);
                Add(Facts.Money(0, movement, at, amount, bps, merchant, order: order)
                    with
                { PlatformPart = platform, MerchantPart = amount - platform });
                e.MerchantBears += movement == Movements.DiscountSpent ? amount - platform : -(amount - platform);
                e.PlatformSubsidises += movement == Movements.DiscountSpent ? platform : -platform;
            }

            Add(Facts.Coupon(0, Movements.Claimed, at, channel: random.Next(2) == 0 ? Channels.Claim : Channels.Distribution));
            e.Issued++;
            var state = "AVAILABLE";
            for (var step = 0; step < 6 && state is "AVAILABLE"; step++)
            {
                var order = $"ord-{c}-{step}";
                switch (random.Next(5))
                {
                    case 0:
                        Add(Facts.Coupon(0, Movements.Expired, at));
                        state = "EXPIRED";
                        break;
                    case 1:
                        Add(Facts.Coupon(0, Movements.Locked, at, order: order));
                        var lapsed = random.Next(2) == 0 ? "AVAILABLE" : "EXPIRED";
                        Add(Facts.Coupon(0, Movements.Released, at, order: order, status: lapsed));
                        state = lapsed;
                        break;
                    case 2:
                        Add(Facts.Coupon(0, Movements.Locked, at, order: order));
                        state = "LOCKED";
                        break;
                    default:
                        Add(Facts.Coupon(0, Movements.Locked, at, order: order));
                        Add(Facts.Coupon(0, Movements.Consumed, at, order: order));
                        var discount = (long)random.Next(1, 50_000);
                        Money(Movements.DiscountSpent, discount, order);
                        e.Spent += discount;
                        state = "CONSUMED";
                        var left = discount;
                        while (left > 0 && random.Next(3) != 0) // partial refunds, some breaking a threshold
                        {
                            var returned = random.NextInt64(0, left + 1);
                            var clawed = random.NextInt64(0, left - returned + 1);
                            if (returned > 0) Money(Movements.DiscountReturned, returned, order);
                            if (clawed > 0) Money(Movements.DiscountClawedBack, clawed, order);
                            e.Returned += returned;
                            e.ClawedBack += clawed;
                            left -= returned + clawed;
                        }
                        if (random.Next(3) == 0)
                        {
                            var back = random.Next(2) == 0 ? "AVAILABLE" : "EXPIRED";
                            Add(Facts.Coupon(0, Movements.Restored, at, order: order, status: back));
                            state = back;
                        }
                        break;
                }
            }
            switch (state)
            {
                case "AVAILABLE": e.Available++; break;
                case "LOCKED": e.Locked++; break;
                case "CONSUMED": e.Redeemed++; break;
                default: e.Expired++; break;
            }
        }
        return new World(facts, expected, closed);
    }
}
