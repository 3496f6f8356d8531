using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using PromotionEngine.Clearing.Statements;

namespace PromotionEngine.Clearing.Tests.Statements;

/// <summary>
/// Random traffic over a week, some of it late (an event of an earlier day), with the days closed in order as they end: every
/// statement chains (a day's closing is the next day's opening), balances (every unit's closing sums to zero), and a closed day's
/// statement read at its close is the one read at the end.
/// </summary>
public sealed class StatementsOverManyDays
{
    private const long Merchant = 7;
    private const int Days = 7;
    private static readonly DateOnly First = new(2026, 6, 15);

    [Property(MaxTest = 200)]
    public Property Statements_chain_balance_and_stay_frozen_once_closed() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).ToArbitrary(), seed =>
        {
            var random = new Random(seed);
            var store = new InMemoryAnalyticStore();
            var calendar = new InMemoryClearingCalendar();
            var read = new ReadStatement(store, calendar);
            var atClose = new Dictionary<DateOnly, DailyStatement>();
            for (var d = 0; d < Days; d++)
            {
                var today = First.AddDays(d);
                for (var e = random.Next(0, 12); e > 0; e--)
                {
                    var happened = random.Next(4) == 0 ? today.AddDays(-random.Next(1, 4)) : today; // a quarter arrive late
                    var (posting, original) = calendar.PostingDayOf(happened);
                    var p = new Postings(Merchant, random.Next(3) == 0 ? "USD" : "CNY").On(posting, original);
                    Move(p, random);
                    store.AppendAsync(p.Entries, p.LastSeq).GetAwaiter().GetResult();
                    calendar.JournalSeq = Math.Max(calendar.JournalSeq, p.LastSeq);
                }
                if (random.Next(3) > 0 && (calendar.LastClosedAsync(default).Result?.Day.AddDays(1) ?? today) is var next && next <= today)
                {
                    calendar.CloseAsync(next, DateTimeOffset.UnixEpoch.AddDays(d), "ops", default).GetAwaiter().GetResult();
                    atClose[next] = Read(read, next);
                }
            }
            var statements = Enumerable.Range(-3, Days + 4).Select(i => Read(read, First.AddDays(i))).ToList();
            var chained = statements.Zip(statements.Skip(1)).All(pair => Closings(pair.First).SequenceEqual(Openings(pair.Second)));
            var balanced = statements.All(s => s.Currencies.All(c => c.Accounts.GroupBy(a => a.Unit).All(u => u.Sum(a => a.Closing) == 0)));
            var frozen = atClose.All(kv => Same(kv.Value, Read(read, kv.Key)));
            return (chained && balanced && frozen).Label($"chained {chained}, balanced {balanced}, frozen {frozen}");
        });

    private static void Move(Postings p, Random random)
    {
        var discount = random.Next(1, 5_000);
        var platform = discount * random.Next(0, 10_001) / 10_000;
        _ = random.Next(9) switch
        {
            0 => p.Claimed(),
            1 => p.Locked(),
            2 => p.Released(),
            3 => p.Consumed(),
            4 => p.Restored(),
            5 => p.Expired(),
            6 => p.Spent(discount, platform),
            7 => p.Returned(discount, platform),
            _ => p.ClawedBack(discount, platform),
        };
    }

    private static DailyStatement Read(ReadStatement read, DateOnly day) =>
        ((StatementOutcome.Ready)read.HandleAsync(Merchant, day, default).GetAwaiter().GetResult()).Statement;

    private static IEnumerable<(string, string, long)> Closings(DailyStatement s) =>
        s.Currencies.SelectMany(c => c.Accounts.Where(a => a.Closing != 0).Select(a => (c.Currency, a.Account, a.Closing))).Order();

    private static IEnumerable<(string, string, long)> Openings(DailyStatement s) =>
        s.Currencies.SelectMany(c => c.Accounts.Where(a => a.Opening != 0).Select(a => (c.Currency, a.Account, a.Opening))).Order();

    private static bool Same(DailyStatement a, DailyStatement b) =>
        a.Currencies.Count == b.Currencies.Count && a.Currencies.Zip(b.Currencies).All(p =>
            p.First.Currency == p.Second.Currency && p.First.MerchantBears == p.Second.MerchantBears
            && p.First.PlatformSubsidises == p.Second.PlatformSubsidises && p.First.Coupons == p.Second.Coupons
            && p.First.Accounts.SequenceEqual(p.Second.Accounts) && p.First.Adjustments.SequenceEqual(p.Second.Adjustments))
        && (a.MerchantId, a.Day, a.State, a.ClosedAt) == (b.MerchantId, b.Day, b.State, b.ClosedAt);
}
