using PromotionEngine.Clearing.Store;

namespace PromotionEngine.Clearing.Statements;

internal sealed record TrialBalance(DateOnly From, DateOnly To, long Sums, long Entries, IReadOnlyList<TrialBalanceRow> Defects)
{
    public bool Balanced => Defects.Count == 0;
}

/// <summary>The ledger's trial balance over a range of posting days: every sum per merchant, day, currency and unit that is not zero.</summary>
internal sealed class CheckTrialBalance(IAnalyticStore store)
{
    public const int MaxDays = 366;

    public async Task<TrialBalance> HandleAsync(DateOnly from, DateOnly to, CancellationToken ct)
    {
        var rows = await store.TrialBalanceAsync(from, to, ct);
        var defects = rows.Where(r => r.Sum != 0)
            .OrderBy(r => r.Day).ThenBy(r => r.MerchantId).ThenBy(r => r.Currency, StringComparer.Ordinal).ThenBy(r => r.Unit, StringComparer.Ordinal)
            .ToList();
        return new TrialBalance(from, to, rows.Count, rows.Sum(r => r.Entries), defects);
    }
}
