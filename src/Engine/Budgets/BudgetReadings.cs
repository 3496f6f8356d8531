using System.Collections.Concurrent;
using System.Diagnostics;
using PromotionEngine.Contracts.Engine;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Budgets;

/// <summary>
/// The budgets' usage for decisions a lock checks again exactly (<see cref="ICouponBudgets.AdvisoryUsageAsync"/>): a claim's
/// stop-when-low check (docs/campaigns.md, "Stopping claims when the budget runs low") and a quote's budget shares
/// (docs/quotes.md). A budget is read only when what remains may be near what the decision could take of it: a reading is
/// reused while it is younger than <see cref="Freshness"/>, no lock on this instance has reserved from that budget since, and
/// what it left is at least <see cref="NearFactor"/> times the decision's <c>Near</c>; otherwise the budget is read, or a read of
/// the same budgets in flight is joined when no lock here reserved from them since it began. No reading
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
    private readonly SharedReads<string, (IReadOnlyDictionary<string, BudgetUsage> Usage, Dictionary<string, long> Before)> _reading = new();

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
        var asked = ReservationsOf(stale);
        var read = await _reading.ReadAsync(string.Join('\n', stale), _ => ReadAsync(stale), ct);
        // A read in flight that began before a lock here reserved from one of its budgets does not answer this caller: it reads.
        if (!SameReservations(read.Before, asked)) read = await ReadAsync(stale);
        foreach (var (key, value) in read.Usage) usage[key] = value;
        return usage;
    }

    /// <summary>
    /// One read of <paramref name="budgets"/>, kept for reuse unless a lock here reserved from one of them meanwhile. Callers
    /// that miss the same budgets while it runs share it (<see cref="SharedReads{TKey, TValue}"/>): at every expiry under load
    /// each claim in flight on a budgeted template read its budgets, ~1.5 reads per group-commit batch (h17-claims).
    /// </summary>
    private async Task<(IReadOnlyDictionary<string, BudgetUsage> Usage, Dictionary<string, long> Before)> ReadAsync(List<string> budgets)
    {
        var before = ReservationsOf(budgets);
        var readAt = Stopwatch.GetTimestamp();
        var read = await store.UsageAsync(budgets, CancellationToken.None);
        foreach (var (key, usage) in read)
        {
            if (_reservations.GetValueOrDefault(key) == before[key]) _readings[key] = (usage, readAt); // a reservation meanwhile: not kept
        }
        return (read, before);
    }

    private Dictionary<string, long> ReservationsOf(List<string> budgets) =>
        budgets.ToDictionary(k => k, k => _reservations.GetValueOrDefault(k), StringComparer.Ordinal);

    private static bool SameReservations(Dictionary<string, long> a, Dictionary<string, long> b) =>
        a.Count == b.Count && a.All(e => b.TryGetValue(e.Key, out var n) && n == e.Value);

    /// <summary>A lock on this instance reserves from the budget: its reading is not reused.</summary>
    public void Reserved(string budget)
    {
        _reservations.AddOrUpdate(budget, 1, (_, n) => n + 1);
        _readings.TryRemove(budget, out _);
    }
}
