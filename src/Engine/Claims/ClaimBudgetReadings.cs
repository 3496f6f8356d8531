using System.Collections.Concurrent;
using System.Diagnostics;
using PromotionEngine.Contracts.Engine;
using PromotionEngine.Contracts.MerchantAdmin;

namespace PromotionEngine.Engine.Claims;

/// <summary>
/// What a claim's stop-when-low check reads of its budgets (docs/campaigns.md, "Stopping claims when the budget runs low"): the budget is read only when
/// what remains is near the template's largest discount. A reading is reused while it is younger than <see cref="Freshness"/>,
/// no lock on this instance has reserved from that budget since, and what it left is at least <see cref="NearFactor"/> times the
/// largest discount; otherwise the claim reads the budget. The check is advisory either way (a budget is spent only by locks,
/// which reserve it exactly, so no reading here can overspend it): a reading another instance's locks made stale lets a claim
/// through that a fresh one would refuse only when those locks took more than (NearFactor − 1) × the largest discount within
/// <see cref="Freshness"/>; the coupon so issued is then refused BUDGET_EXHAUSTED at its lock. Freshness is measured on the
/// machine's clock, not the engine's <see cref="TimeProvider"/>: it bounds how stale a reading is, which is not business time.
/// </summary>
internal sealed class ClaimBudgetReadings(ICouponBudgets budgets)
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(1);
    public const long NearFactor = 4;

    private readonly ConcurrentDictionary<string, (BudgetUsage Usage, long ReadAt)> _readings = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _reservations = new(StringComparer.Ordinal);

    /// <summary>The usage of each limit's budget, read again where a reading cannot be trusted to be far from <paramref name="largest"/>.</summary>
    public async Task<IReadOnlyDictionary<string, BudgetUsage>> UsageAsync(IReadOnlyList<BudgetLimit> limits, long largest, CancellationToken ct)
    {
        var usage = new Dictionary<string, BudgetUsage>(StringComparer.Ordinal);
        var stale = new List<string>();
        foreach (var limit in limits)
        {
            if (_readings.TryGetValue(limit.Key, out var reading) && Stopwatch.GetElapsedTime(reading.ReadAt) < Freshness
                && reading.Usage.RemainingOf(limit.Limit) >= NearFactor * largest)
                usage[limit.Key] = reading.Usage;
            else
                stale.Add(limit.Key);
        }
        if (stale.Count == 0) return usage;
        var before = stale.ToDictionary(k => k, k => _reservations.GetValueOrDefault(k), StringComparer.Ordinal);
        var readAt = Stopwatch.GetTimestamp();
        foreach (var (key, read) in await budgets.UsageAsync(stale, ct))
        {
            usage[key] = read;
            if (_reservations.GetValueOrDefault(key) == before[key]) _readings[key] = (read, readAt); // a reservation meanwhile: not kept
        }
        return usage;
    }

    /// <summary>A lock on this instance reserved from the budget: its reading is not reused.</summary>
    public void Reserved(string budget)
    {
        _reservations.AddOrUpdate(budget, 1, (_, n) => n + 1);
        _readings.TryRemove(budget, out _);
    }
}
