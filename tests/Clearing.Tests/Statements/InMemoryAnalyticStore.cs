using PromotionEngine.Clearing.Ledger;
using PromotionEngine.Clearing.Store;

namespace PromotionEngine.Clearing.Tests.Statements;

/// <summary>
/// The analytic store as the statements read it, in memory: the ledger entries appended and the watermark. What only the reports
/// and the reconciliation read (activity, top templates, spent coupons) is not kept here.
/// </summary>
internal sealed class InMemoryAnalyticStore : IAnalyticStore
{
    private readonly Dictionary<(Guid, int, int), LedgerEntry> _entries = [];
    private readonly HashSet<(Guid, int)> _facts = [];
    private long _watermark;

    public string Name => "memory";

    public Task EnsureSchemaAsync(CancellationToken ct) => Task.CompletedTask;

    public Task<long> WatermarkAsync(CancellationToken ct) => Task.FromResult(_watermark);

    public Task AppendAsync(FactBatch batch, CancellationToken ct)
    {
        foreach (var f in batch.Facts) _facts.Add((f.EventId, f.Line));
        foreach (var e in batch.Entries) _entries[(e.EventId, e.Line, e.Leg)] = e;
        _watermark = Math.Max(_watermark, batch.LastSeq);
        return Task.CompletedTask;
    }

    /// <summary>Appends entries as if ingested up to <paramref name="seq"/>.</summary>
    public Task AppendAsync(IReadOnlyList<LedgerEntry> entries, long seq) =>
        AppendAsync(new FactBatch(_watermark + 1, seq, [], entries), CancellationToken.None);

    public Task ResetAsync(CancellationToken ct)
    {
        _entries.Clear();
        _facts.Clear();
        _watermark = 0;
        return Task.CompletedTask;
    }

    public Task<FactTotals> TotalsAsync(CancellationToken ct) =>
        Task.FromResult(new FactTotals(_facts.Count, _entries.Count, 0, 0, _watermark));

    public Task<IReadOnlyList<ActivityRow>> ActivityAsync(ActivityQuery query, CancellationToken ct) =>
        throw new NotSupportedException("The statements do not read activity.");

    public Task<IReadOnlyList<TemplateSpend>> TopTemplatesAsync(long merchantId, DateTimeOffset from, DateTimeOffset to, int limit,
        CancellationToken ct) => throw new NotSupportedException("The statements do not read top templates.");

    public IAsyncEnumerable<ClearedCoupon> SpentAsync(DateTimeOffset from, DateTimeOffset to, long? merchantId, CancellationToken ct) =>
        throw new NotSupportedException("The statements do not read spent coupons.");

    public Task<IReadOnlyList<AccountAmount>> BalancesBeforeAsync(long? merchantId, DateOnly day, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<AccountAmount>>(_entries.Values
            .Where(e => (merchantId is null || e.MerchantId == merchantId) && e.PostingDay < day)
            .GroupBy(e => (e.MerchantId, e.Currency, e.Unit, e.Account))
            .Select(g => new AccountAmount(g.Key.MerchantId, g.Key.Currency, g.Key.Unit, g.Key.Account, null, g.Sum(e => e.Amount)))
            .ToList());

    public Task<IReadOnlyList<AccountAmount>> EntriesOnAsync(long? merchantId, DateOnly day, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<AccountAmount>>(_entries.Values
            .Where(e => (merchantId is null || e.MerchantId == merchantId) && e.PostingDay == day)
            .GroupBy(e => (e.MerchantId, e.Currency, e.Unit, e.Account, e.OriginalDay))
            .Select(g => new AccountAmount(g.Key.MerchantId, g.Key.Currency, g.Key.Unit, g.Key.Account, g.Key.OriginalDay, g.Sum(e => e.Amount)))
            .ToList());

    public Task<IReadOnlyList<TrialBalanceRow>> TrialBalanceAsync(DateOnly from, DateOnly to, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<TrialBalanceRow>>(_entries.Values
            .Where(e => e.PostingDay >= from && e.PostingDay <= to)
            .GroupBy(e => (e.MerchantId, e.PostingDay, e.Currency, e.Unit))
            .Select(g => new TrialBalanceRow(g.Key.MerchantId, g.Key.PostingDay, g.Key.Currency, g.Key.Unit, g.Sum(e => e.Amount), g.Count()))
            .ToList());
}
