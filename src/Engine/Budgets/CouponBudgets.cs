using PromotionEngine.Contracts.Engine;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Budgets;

/// <summary>The engine's <see cref="ICouponBudgets"/> port: budgets' usage, and the restore a refund by lines asks for.</summary>
internal sealed class CouponBudgets(IBudgetLedgerStore store, BudgetReadings readings, TimeProvider clock) : ICouponBudgets
{
    public Task<IReadOnlyDictionary<string, BudgetUsage>> UsageAsync(IReadOnlyCollection<string> budgets, CancellationToken ct) =>
        store.UsageAsync(budgets, ct);

    public Task<IReadOnlyDictionary<string, BudgetUsage>> AdvisoryUsageAsync(IReadOnlyList<AdvisoryBudget> budgets, CancellationToken ct) =>
        readings.UsageAsync(budgets, ct);

    public async Task RestoreAsync(OrderId order, IReadOnlyList<BudgetRestore> restores, WriteScope scope, CancellationToken ct)
    {
        var now = UtcMillis.Now(clock);
        foreach (var restore in restores.Where(r => r.Amount > 0 || r.Gifts > 0))
        {
            foreach (var hold in await store.HoldsAsync(restore.Coupon, order, scope, ct))
            {
                // Never more than the coupon spent of the budget, however the refunds add up; money to money budgets, gifts to the gift stock.
                var amount = Math.Min(BudgetKeys.IsGift(hold.Budget) ? restore.Gifts : restore.Amount, hold.Amount - hold.Restored);
                if (hold.State != BudgetHoldStates.Spent || amount <= 0) continue;
                await store.AdjustAsync(hold.Budget, -amount, 0, now, scope, ct);
                await store.SetHoldAsync(hold with { Restored = hold.Restored + amount }, now, scope, ct);
            }
        }
    }
}
