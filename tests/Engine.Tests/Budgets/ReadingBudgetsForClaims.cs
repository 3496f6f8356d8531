using PromotionEngine.Contracts.Engine;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Engine.Claims;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Tests.Budgets;

/// <summary>
/// A claim's stop-when-low check reads its budget only when what remains may be near the template's largest discount: far from
/// it, claims reuse a reading; near it, or after a lock here reserved from it, every claim reads it.
/// </summary>
public sealed class ReadingBudgetsForClaims
{
    private const long Largest = 1_000;
    private readonly CountedBudgets _budgets = new();

    private static BudgetLimit Budget(long limit) => new("c:1", limit, StopClaimsWhenLow: true, Thresholds: []);

    private static async Task<long> RemainingAsync(ClaimBudgetReadings readings, BudgetLimit budget) =>
        (await readings.UsageAsync([budget], Largest, CancellationToken.None))[budget.Key].RemainingOf(budget.Limit);

    [Fact]
    public async Task Far_from_the_largest_discount_many_claims_read_the_budget_once()
    {
        var readings = new ClaimBudgetReadings(_budgets);
        _budgets.Spent = 10_000;

        for (var claim = 0; claim < 50; claim++) Assert.Equal(90_000, await RemainingAsync(readings, Budget(100_000)));

        Assert.Equal(1, _budgets.Reads);
    }

    [Fact]
    public async Task Near_the_largest_discount_every_claim_reads_the_budget()
    {
        var readings = new ClaimBudgetReadings(_budgets);
        _budgets.Spent = 10_000;

        for (var claim = 0; claim < 5; claim++) await RemainingAsync(readings, Budget(10_000 + (ClaimBudgetReadings.NearFactor * Largest) - 1));

        Assert.Equal(5, _budgets.Reads);
    }

    [Fact]
    public async Task A_lock_here_that_reserves_from_the_budget_makes_the_next_claim_read_it()
    {
        var readings = new ClaimBudgetReadings(_budgets);
        await RemainingAsync(readings, Budget(100_000));

        _budgets.Spent = 99_500;
        readings.Reserved("c:1");

        Assert.Equal(500, await RemainingAsync(readings, Budget(100_000)));
        Assert.Equal(2, _budgets.Reads);
    }

    private sealed class CountedBudgets : ICouponBudgets
    {
        public long Spent { get; set; }

        public int Reads { get; private set; }

        public Task<IReadOnlyDictionary<string, BudgetUsage>> UsageAsync(IReadOnlyCollection<string> budgets, CancellationToken ct)
        {
            Reads++;
            return Task.FromResult<IReadOnlyDictionary<string, BudgetUsage>>(budgets.ToDictionary(b => b, _ => new BudgetUsage(Spent, 0)));
        }

        public Task RestoreAsync(OrderId order, IReadOnlyList<BudgetRestore> restores, WriteScope scope, CancellationToken ct) =>
            throw new NotSupportedException("Claims restore nothing.");
    }
}
