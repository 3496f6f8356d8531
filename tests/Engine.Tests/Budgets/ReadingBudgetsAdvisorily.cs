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

    [Fact]
    public async Task Claims_that_find_the_reading_expired_at_once_share_one_read()
    {
        var readings = new BudgetReadings(_store);
        _store.Spent = 10_000;
        _store.Hold();

        var claims = Enumerable.Range(0, 20).Select(_ => RemainingAsync(readings, Budget(100_000))).ToList();
        Assert.Equal(1, _store.Reads);
        _store.Release();

        Assert.All(await Task.WhenAll(claims), remaining => Assert.Equal(90_000, remaining));
        Assert.Equal(1, _store.Reads);
    }

    [Fact]
    public async Task A_caller_that_asks_after_a_lock_here_reserved_does_not_take_a_read_begun_before_it()
    {
        var readings = new BudgetReadings(_store);
        _store.Spent = 10_000;
        _store.Hold();

        var before = RemainingAsync(readings, Budget(100_000));
        readings.Reserved("c:1");
        _store.Spent = 99_500; // what the lock here spent, which the read in flight may not have seen
        var after = RemainingAsync(readings, Budget(100_000));
        _store.Release();

        await before;
        Assert.Equal(500, await after);
        Assert.Equal(2, _store.Reads);
    }

    /// <summary>Usage only: the readings read nothing else. Reads wait while the test holds them.</summary>
    private sealed class CountedStore : IBudgetLedgerStore
    {
        private TaskCompletionSource _released = Released();
        private int _reads;

        public long Spent { get; set; }

        public int Reads => Volatile.Read(ref _reads);

        public void Hold() => _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _released.TrySetResult();

        public async Task<IReadOnlyDictionary<string, BudgetUsage>> UsageAsync(IReadOnlyCollection<string> budgets, CancellationToken ct)
        {
            Interlocked.Increment(ref _reads);
            var spent = Spent; // as of the read's start
            await _released.Task;
            return budgets.ToDictionary(b => b, _ => new BudgetUsage(spent, 0));
        }

        private static TaskCompletionSource Released()
        {
            var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            released.TrySetResult();
            return released;
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
