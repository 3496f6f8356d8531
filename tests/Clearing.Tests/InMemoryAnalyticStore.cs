using PromotionEngine.Clearing.Facts;
using PromotionEngine.Clearing.Ledger;
using PromotionEngine.Clearing.Store;

namespace PromotionEngine.Clearing.Tests;

/// <summary>
/// The whole analytic store port in memory, each query a plain scan of the facts or entries: the fake the reports' and the
/// statements' tests read, and the reference the stores' fast paths are compared with. It passes the store contract too
/// (InMemoryAnalyticStoreContract).
/// </summary>
internal sealed class InMemoryAnalyticStore : IAnalyticStore
{
    private readonly Dictionary<(Guid, int), ClearingFact> _facts = [];
    private readonly Dictionary<(Guid, int, int), LedgerEntry> _entries = [];
    private readonly List<DateOnly> _balanceDays = [];
    private long _watermark;

    public string Name => "memory";

    /// <summary>Every activity query asked, in order.</summary>
    public List<ActivityQuery> Asked { get; } = [];

    /// <summary>Facts as if appended, without their entries.</summary>
    public InMemoryAnalyticStore Add(params ClearingFact[] facts)
    {
        foreach (var f in facts) _facts.TryAdd((f.EventId, f.Line), f);
        return this;
    }

    public Task EnsureSchemaAsync(CancellationToken ct) => Task.CompletedTask;

    public Task<long> WatermarkAsync(CancellationToken ct) => Task.FromResult(_watermark);

    public Task AppendAsync(FactBatch batch, CancellationToken ct)
    {
        Store(batch.Facts, batch.Entries);
        _watermark = Math.Max(_watermark, batch.LastSeq);
        return Task.CompletedTask;
    }

    /// <summary>Appends entries as if ingested up to <paramref name="seq"/>.</summary>
    public Task AppendAsync(IReadOnlyList<LedgerEntry> entries, long seq) =>
        AppendAsync(new FactBatch(_watermark + 1, seq, [], entries), CancellationToken.None);

    /// <summary>What an append cut short leaves: some of its rows, the watermark where it was.</summary>
    public void Store(IEnumerable<ClearingFact> facts, IEnumerable<LedgerEntry> entries)
    {
        foreach (var f in facts) _facts.TryAdd((f.EventId, f.Line), f);
        foreach (var e in entries) _entries.TryAdd((e.EventId, e.Line, e.Leg), e);
    }

    public Task ResetAsync(CancellationToken ct)
    {
        _facts.Clear();
        _entries.Clear();
        _balanceDays.Clear();
        _watermark = 0;
        return Task.CompletedTask;
    }

    public Task<FactTotals> TotalsAsync(CancellationToken ct) => Task.FromResult(new FactTotals(_facts.Count, _entries.Count,
        _facts.Values.Sum(f => (long)f.Coupons), _facts.Values.Sum(f => f.Discount), _watermark));

    public Task<IReadOnlyList<ActivityRow>> ActivityAsync(ActivityQuery query, CancellationToken ct)
    {
        Asked.Add(query);
        var rows = (from f in _facts.Values
                    where f.MerchantId == query.MerchantId && (query.TemplateId is null || f.TemplateId == query.TemplateId)
                    from s in query.Segments
                    where s.From <= f.OccurredAt && f.OccurredAt < s.To
                    let local = f.OccurredAt.ToUnixTimeSeconds() + s.OffsetSeconds
                    let bucket = local - (((local % query.BucketSeconds) + query.BucketSeconds) % query.BucketSeconds)
                    let status = ActivityAggregate.WithStatus.Contains(f.Movement) ? f.Status : null
                    group f by (Template: query.ByTemplate ? f.TemplateId : (long?)null, bucket, f.Currency, f.Movement, f.Channel, status) into g
                    orderby g.Key.Template, g.Key.bucket, g.Key.Currency, g.Key.Movement, g.Key.Channel, g.Key.status
                    select new ActivityRow(g.Key.Template, g.Key.bucket, g.Key.Currency, g.Key.Movement, g.Key.Channel, g.Count(),
                        g.Sum(f => (long)f.Coupons), g.Sum(f => f.Discount), g.Sum(f => f.PlatformPart), g.Sum(f => f.MerchantPart),
                        g.Sum(f => f.OrderAmount), g.Key.status))
            .ToList();
        return Task.FromResult<IReadOnlyList<ActivityRow>>(rows);
    }

    public Task<IReadOnlyList<TemplateSpend>> TopTemplatesAsync(long merchantId, DateTimeOffset from, DateTimeOffset to, int limit,
        CancellationToken ct)
    {
        var counted = new[] { Movements.DiscountSpent, Movements.DiscountReturned, Movements.DiscountClawedBack, Movements.Consumed };
        var spend = _facts.Values.Where(f => f.MerchantId == merchantId && f.OccurredAt >= from && f.OccurredAt < to && counted.Contains(f.Movement))
            .GroupBy(f => (f.TemplateId, f.Currency))
            .Select(g => new TemplateSpend(g.Key.TemplateId, g.Key.Currency,
                g.Sum(f => f.Movement switch
                {
                    Movements.DiscountSpent => f.Discount,
                    Movements.DiscountReturned or Movements.DiscountClawedBack => -f.Discount,
                    _ => 0,
                }),
                g.Where(f => f.Movement == Movements.Consumed).Sum(f => (long)f.Coupons),
                g.Where(f => f.Movement == Movements.DiscountSpent).Sum(f => f.OrderAmount)))
            .GroupBy(s => s.Currency)
            .SelectMany(c => c.OrderByDescending(s => s.Discount).ThenBy(s => s.TemplateId).Take(limit))
            .OrderByDescending(s => s.Discount).ThenBy(s => s.TemplateId).ThenBy(s => s.Currency, StringComparer.Ordinal).ToList();
        return Task.FromResult<IReadOnlyList<TemplateSpend>>(spend);
    }

    public Task<DateOnly?> BalancesClosedThroughAsync(CancellationToken ct) =>
        Task.FromResult(_balanceDays.Count == 0 ? (DateOnly?)null : _balanceDays.Max());

    /// <summary>Lists the day; the balances are always read by a scan of every entry, the figure the stores' records must equal.</summary>
    public Task CloseBalancesAsync(DateOnly through, CancellationToken ct)
    {
        if (!_balanceDays.Contains(through)) _balanceDays.Add(through);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AccountAmount>> BalancesBeforeAsync(long? merchantId, DateOnly day, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<AccountAmount>>(_entries.Values
            .Where(e => (merchantId is null || e.MerchantId == merchantId) && e.PostingDay < day)
            .GroupBy(e => (e.MerchantId, e.Currency, e.Unit, e.Account))
            .OrderBy(g => g.Key.MerchantId).ThenBy(g => g.Key.Currency, StringComparer.Ordinal).ThenBy(g => g.Key.Unit, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Account, StringComparer.Ordinal)
            .Select(g => new AccountAmount(g.Key.MerchantId, g.Key.Currency, g.Key.Unit, g.Key.Account, null, g.Sum(e => e.Amount)))
            .ToList());

    public Task<IReadOnlyList<AccountAmount>> EntriesOnAsync(long? merchantId, DateOnly day, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<AccountAmount>>(_entries.Values
            .Where(e => (merchantId is null || e.MerchantId == merchantId) && e.PostingDay == day)
            .GroupBy(e => (e.MerchantId, e.Currency, e.Unit, e.Account, e.OriginalDay))
            .OrderBy(g => g.Key.MerchantId).ThenBy(g => g.Key.Currency, StringComparer.Ordinal).ThenBy(g => g.Key.Unit, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Account, StringComparer.Ordinal).ThenBy(g => g.Key.OriginalDay)
            .Select(g => new AccountAmount(g.Key.MerchantId, g.Key.Currency, g.Key.Unit, g.Key.Account, g.Key.OriginalDay, g.Sum(e => e.Amount)))
            .ToList());

    public Task<IReadOnlyList<TrialBalanceRow>> TrialBalanceAsync(DateOnly from, DateOnly to, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<TrialBalanceRow>>(_entries.Values
            .Where(e => e.PostingDay >= from && e.PostingDay <= to)
            .GroupBy(e => (e.MerchantId, e.PostingDay, e.Currency, e.Unit))
            .OrderBy(g => g.Key.MerchantId).ThenBy(g => g.Key.PostingDay).ThenBy(g => g.Key.Currency, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Unit, StringComparer.Ordinal)
            .Select(g => new TrialBalanceRow(g.Key.MerchantId, g.Key.PostingDay, g.Key.Currency, g.Key.Unit, g.Sum(e => e.Amount), g.Count()))
            .ToList());

    public async IAsyncEnumerable<ClearedCoupon> SpentAsync(DateTimeOffset from, DateTimeOffset to, long? merchantId,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await Task.CompletedTask;
        var spent = _facts.Values.Where(f => f.Movement == Movements.DiscountSpent && f.OccurredAt >= from && f.OccurredAt < to
                && (merchantId is null || f.MerchantId == merchantId) && f.OrderId is not null && f.UserCouponId is not null)
            .GroupBy(f => (Order: f.OrderId!, Coupon: f.UserCouponId!.Value))
            .OrderBy(g => g.Key.Order, StringComparer.Ordinal).ThenBy(g => g.Key.Coupon);
        foreach (var g in spent)
        {
            var later = _facts.Values.Where(f => f.OrderId == g.Key.Order && f.UserCouponId == g.Key.Coupon).ToList();
            var first = g.First();
            yield return new ClearedCoupon(g.Key.Order, g.Key.Coupon, first.TemplateId, first.MerchantId, first.Currency, g.Sum(f => f.Discount),
                g.Min(f => f.OccurredAt), later.Where(f => f.Movement == Movements.DiscountReturned).Sum(f => f.Discount),
                later.Where(f => f.Movement == Movements.DiscountClawedBack).Sum(f => f.Discount),
                later.Any(f => f.Movement == Movements.Restored));
        }
    }
}
