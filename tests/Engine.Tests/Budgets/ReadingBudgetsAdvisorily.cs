using PromotionEngine.Contracts.Engine;
using PromotionEngine.Engine.Budgets;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Tests.Budgets;

/// <summary>
/// A claim's stop-when-low check and a quote read a budget only when what remains may be near what they could take of it: far
/// from it, they reuse a reading; near it, or after a lock here reserved from it, every one reads it.
/// </summary>
public sealed class ReadingBudgetsAdvisorily
{
    private const long Near = 1_000; // e.g. the template's largest discount
    private readonly CountedStore _store = new();

    private static AdvisoryBudget Budget(long limit) => new("c:1", limit, Near);

    private static async Task<long> RemainingAsync(BudgetReadings readings, AdvisoryBudget budget) =>
        (await readings.UsageAsync([budget], CancellationToken.None))[budget.Key].RemainingOf(budget.Limit);

    [Fact]
    public async Task Far_from_its_end_many_claims_or_quotes_read_the_budget_once()
    {
        var readings = new BudgetReadings(_store);
        _store.Spent = 10_000;

        for (var claim = 0; claim < 50; claim++) Assert.Equal(90_000, await RemainingAsync(readings, Budget(100_000)));

        Assert.Equal(1, _store.Reads);
    }

    [Fact]
    public async Task Near_its_end_every_one_reads_the_budget()
    {
        var readings = new BudgetReadings(_store);
        _store.Spent = 10_000;

        for (var claim = 0; claim < 5; claim++) await RemainingAsync(readings, Budget(10_000 + (BudgetReadings.NearFactor * Near) - 1));

        Assert.Equal(5, _store.Reads);
    }

    [Fact]
    public async Task A_lock_here_that_reserves_from_the_budget_makes_the_next_one_read_it()
    {
        var readings = new BudgetReadings(_store);
        await RemainingAsync(readings, Budget(100_000));

        _store.Spent = 99_500;
        readings.Reserved("c:1");

        Assert.Equal(500, await RemainingAsync(readings, Budget(100_000)));
        Assert.Equal(2, _store.Reads);
    }

    [Fact]
    public async Task An_unbounded_near_always_reads()
    {
        var readings = new BudgetReadings(_store);

        for (var quote = 0; quote < 3; quote++)
            await readings.UsageAsync([new AdvisoryBudget("c:1", long.MaxValue, long.MaxValue)], CancellationToken.None);

        Assert.Equal(3, _store.Reads);
    }

    /// <summary>Usage only: the readings read nothing else.</summary>
    private sealed class CountedStore : IBudgetLedgerStore
    {
        public long Spent { get; set; }

        public int Reads { get; private set; }

        public Task<IReadOnlyDictionary<string, BudgetUsage>> UsageAsync(IReadOnlyCollection<string> budgets, CancellationToken ct)
        {
            Reads++;
            return Task.FromResult<IReadOnlyDictionary<string, BudgetUsage>>(budgets.ToDictionary(b => b, _ => new BudgetUsage(Spent, 0)));
        }

        public Task<bool> TryReserveAsync(string budget, long amount, long limit, DateTimeOffset now, WriteScope scope, CancellationToken ct) =>
            throw new NotSupportedException();

        public Task AdjustAsync(string budget, long spent, long reserved, DateTimeOffset now, WriteScope scope, CancellationToken ct) =>
            throw new NotSupportedException();

        public Task AddHoldsAsync(IReadOnlyList<BudgetHold> holds, DateTimeOffset now, WriteScope scope, CancellationToken ct) =>
            throw new NotSupportedException();

        public Task<IReadOnlyList<BudgetHold>> HoldsAsync(UserCouponId coupon, OrderId order, WriteScope scope, CancellationToken ct) =>
            throw new NotSupportedException();

        public Task SetHoldAsync(BudgetHold hold, DateTimeOffset now, WriteScope scope, CancellationToken ct) => throw new NotSupportedException();

        public Task<(long Spent, int ThresholdReached)> ThresholdStateAsync(string budget, WriteScope scope, CancellationToken ct) =>
            throw new NotSupportedException();

        public Task<bool> TryRaiseThresholdAsync(string budget, int from, int to, WriteScope scope, CancellationToken ct) =>
            throw new NotSupportedException();
    }
}
