using PromotionEngine.Clearing.Facts;
using PromotionEngine.Clearing.Ingestion;
using PromotionEngine.Clearing.Tests.Statements;
using static PromotionEngine.Clearing.Tests.Facts;

namespace PromotionEngine.Clearing.Tests.Ingestion;

public sealed class RecordingClosedDaysBalances
{
    private static readonly DateOnly Day18 = new(2026, 6, 18);
    private static readonly DateTimeOffset June18 = new(2026, 6, 18, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_closed_days_balances_are_recorded_once_the_store_holds_every_fact_of_it()
    {
        var calendar = new InMemoryClearingCalendar();
        var store = new InMemoryAnalyticStore();
        var record = new RecordClosedBalances(calendar, store);

        Assert.Null(await record.RunAsync(default)); // nothing closed
        calendar.JournalSeq = 3;
        await calendar.CloseAsync(Day18, June18.AddDays(1), "op", default);
        await store.AppendAsync(Batch([Coupon(1, Movements.Claimed, June18), Coupon(2, Movements.Claimed, June18.AddHours(1))]), default);
        Assert.Null(await record.RunAsync(default)); // seq 3 is not stored yet
        Assert.Null(await store.BalancesClosedThroughAsync(default));

        await store.AppendAsync(Batch([Coupon(3, Movements.Locked, June18.AddHours(2))]), default);
        Assert.Equal(Day18, await record.RunAsync(default));
        Assert.Equal(Day18, await store.BalancesClosedThroughAsync(default));
        Assert.Null(await record.RunAsync(default)); // recorded already
    }
}
