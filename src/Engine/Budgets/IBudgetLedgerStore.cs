using PromotionEngine.Contracts.Engine;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Budgets;

/// <summary>One coupon's share of one budget under one order (en_budget_holds).</summary>
internal sealed record BudgetHold(UserCouponId Coupon, OrderId Order, string Budget, long Amount, string State, long Restored);

internal static class BudgetHoldStates
{
    public const string Reserved = "RESERVED";
    public const string Spent = "SPENT";
    public const string Released = "RELEASED";
    public const string Restored = "RESTORED";
}

/// <summary>The budgets' counters and holds, always in the caller's transaction.</summary>
internal interface IBudgetLedgerStore
{
    /// <summary>
    /// Adds <paramref name="amount"/> to the reserved money of <paramref name="budget"/> only if spent + reserved stays within
    /// <paramref name="limit"/> (one conditional UPDATE); false: nothing changed, the budget cannot cover it.
    /// </summary>
    Task<bool> TryReserveAsync(string budget, long amount, long limit, DateTimeOffset now, WriteScope scope, CancellationToken ct);

    /// <summary>Moves money between the counters (releases, spends, restores): never refused.</summary>
    Task AdjustAsync(string budget, long spent, long reserved, DateTimeOffset now, WriteScope scope, CancellationToken ct);

    Task AddHoldsAsync(IReadOnlyList<BudgetHold> holds, DateTimeOffset now, WriteScope scope, CancellationToken ct);

    Task<IReadOnlyList<BudgetHold>> HoldsAsync(UserCouponId coupon, OrderId order, WriteScope scope, CancellationToken ct);

    Task SetHoldAsync(BudgetHold hold, DateTimeOffset now, WriteScope scope, CancellationToken ct);

    /// <summary>Spent money and the highest threshold fired so far, read in the caller's transaction.</summary>
    Task<(long Spent, int ThresholdReached)> ThresholdStateAsync(string budget, WriteScope scope, CancellationToken ct);

    /// <summary>Records <paramref name="to"/> as the highest threshold fired if it was <paramref name="from"/>: true once, for the first writer.</summary>
    Task<bool> TryRaiseThresholdAsync(string budget, int from, int to, WriteScope scope, CancellationToken ct);

    Task<IReadOnlyDictionary<string, BudgetUsage>> UsageAsync(IReadOnlyCollection<string> budgets, CancellationToken ct);
}
