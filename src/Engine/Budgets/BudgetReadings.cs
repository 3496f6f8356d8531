using System.Collections.Concurrent;
using System.Diagnostics;
using PromotionEngine.Contracts.Engine;

namespace PromotionEngine.Engine.Budgets;

/// <summary>
/// The budgets' usage for decisions a lock checks again exactly (<see cref="ICouponBudgets.AdvisoryUsageAsync"/>): a claim's
/// stop-when-low check (docs/campaigns.md, "Stopping claims when the budget runs low") and a quote's budget shares
/// (docs/quotes.md). A budget is read only when what remains may be near what the decision could take of it: a reading is
/// reused while it is younger than <see cref="Freshness"/>, no lock on this instance has reserved from that budget since, and
/// what it left is at least <see cref="NearFactor"/> times the decision's <c>Near</c>; otherwise the budget is read. No reading
/// here can overspend a budget: it is spent only by locks, which reserve it exactly (<see cref="BudgetLedger"/>). A reading
/// another instance's locks made stale can let a claim through, or show a coupon usable in a quote, that a fresh one would
/// refuse only when those locks took more than (NearFactor − 1) × Near within <see cref="Freshness"/>; the lock then refuses
/// BUDGET_EXHAUSTED. Freshness is measured on the machine's clock, not the engine's <see cref="TimeProvider"/>: it bounds how
/// stale a reading is, which is not business time.
/// </summary>
internal sealed class BudgetReadings(IBudgetLedgerStore store)
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(1);
    public const long NearFactor = 4;

    private readonly ConcurrentDictionary<string, (BudgetUsage Usage, long ReadAt)> _readings = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _reservations = new(StringComparer.Ordinal);

    public async Task<IReadOnlyDictionary<string, BudgetUsage>> UsageAsync(IReadOnlyList<AdvisoryBudget> budgets, CancellationToken ct)
    {
        var usage = new Dictionary<string, BudgetUsage>(StringComparer.Ordinal);
        var stale = new List<string>();
        foreach (var budget in budgets)
        {
            if (usage.ContainsKey(budget.Key)) continue;
            if (_readings.TryGetValue(budget.Key, out var reading) && Stopwatch.GetElapsedTime(reading.ReadAt) < Freshness
                && reading.Usage.RemainingOf(budget.Limit) / NearFactor >= budget.Near)
                usage[budget.Key] = reading.Usage;
            else if (!stale.Contains(budget.Key))
                stale.Add(budget.Key);
        }
        if (stale.Count == 0) return usage;
        var before = stale.ToDictionary(k => k, k => _reservations.GetValueOrDefault(k), StringComparer.Ordinal);
        var readAt = Stopwatch.GetTimestamp();
        foreach (var (key, read) in await store.UsageAsync(stale, ct))
        {
            usage[key] = read;
            if (_reservations.GetValueOrDefault(key) == before[key]) _readings[key] = (read, readAt); // a reservation meanwhile: not kept
        }
        return usage;
    }

    /// <summary>A lock on this instance reserves from the budget: its reading is not reused.</summary>
    public void Reserved(string budget)
    {
        _reservations.AddOrUpdate(budget, 1, (_, n) => n + 1);
        _readings.TryRemove(budget, out _);
    }
}
