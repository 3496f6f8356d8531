using PromotionEngine.Clearing.Facts;
using PromotionEngine.Clearing.Store;

namespace PromotionEngine.Clearing.Tests.Reports;

/// <summary>
/// The analytic store as the port describes it, over a list of facts: what the reports read (activity per local bucket, top
/// templates), and the appends that fill it. The ledger's reads are the statements' and the reconciliation's, not faked here.
/// </summary>
internal sealed class InMemoryAnalyticStore : IAnalyticStore
{
    private readonly List<ClearingFact> _facts = [];
    private long _watermark;

    public string Name => "memory";

    /// <summary>Every activity query the reports asked, in order.</summary>
    public List<ActivityQuery> Asked { get; } = [];

    public InMemoryAnalyticStore Add(params ClearingFact[] facts)
    {
        _facts.AddRange(facts);
        return this;
    }

    public Task EnsureSchemaAsync(CancellationToken ct) => Task.CompletedTask;

    public Task<long> WatermarkAsync(CancellationToken ct) => Task.FromResult(_watermark);

    public Task AppendAsync(FactBatch batch, CancellationToken ct)
    {
        foreach (var fact in batch.Facts)
            if (!_facts.Any(f => f.EventId == fact.EventId && f.Line == fact.Line)) _facts.Add(fact);
        _watermark = Math.Max(_watermark, batch.LastSeq);
        return Task.CompletedTask;
    }

    public Task ResetAsync(CancellationToken ct)
    {
        _facts.Clear();
        _watermark = 0;
        return Task.CompletedTask;
    }

    public Task<FactTotals> TotalsAsync(CancellationToken ct) =>
        Task.FromResult(new FactTotals(_facts.Count, 0, _facts.Sum(f => (long)f.Coupons), _facts.Sum(f => f.Discount), _watermark));

    public Task<IReadOnlyList<ActivityRow>> ActivityAsync(ActivityQuery query, CancellationToken ct)
    {
        Asked.Add(query);
        var rows = (from f in _facts
                    where f.MerchantId == query.MerchantId && (query.TemplateId is null || f.TemplateId == query.TemplateId)
                    let t = f.OccurredAt.ToUnixTimeSeconds()
                    from s in query.Segments
                    where s.From.ToUnixTimeSeconds() <= t && t < s.To.ToUnixTimeSeconds()
                    let local = t + s.OffsetSeconds
                    let bucket = local - (((local % query.BucketSeconds) + query.BucketSeconds) % query.BucketSeconds)
                    group f by (Template: query.ByTemplate ? f.TemplateId : (long?)null, bucket, f.Currency, f.Movement, f.Channel) into g
                    select new ActivityRow(g.Key.Template, g.Key.bucket, g.Key.Currency, g.Key.Movement, g.Key.Channel, g.Count(),
                        g.Sum(f => (long)f.Coupons), g.Sum(f => f.Discount), g.Sum(f => f.PlatformPart), g.Sum(f => f.MerchantPart),
                        g.Sum(f => f.OrderAmount)))
            .ToList();
        return Task.FromResult<IReadOnlyList<ActivityRow>>(rows);
    }

    public Task<IReadOnlyList<TemplateSpend>> TopTemplatesAsync(long merchantId, DateTimeOffset from, DateTimeOffset to, int limit,
        CancellationToken ct)
    {
        var spend = _facts.Where(f => f.MerchantId == merchantId && f.OccurredAt >= from && f.OccurredAt < to)
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
            .Where(s => s.Discount != 0 || s.Used != 0)
            .OrderByDescending(s => s.Discount).ThenBy(s => s.TemplateId).Take(limit).ToList();
        return Task.FromResult<IReadOnlyList<TemplateSpend>>(spend);
    }

    public Task<IReadOnlyList<AccountAmount>> BalancesBeforeAsync(long? merchantId, DateOnly day, CancellationToken ct) =>
        throw new NotSupportedException("The reports do not read the ledger.");

    public Task<IReadOnlyList<AccountAmount>> EntriesOnAsync(long? merchantId, DateOnly day, CancellationToken ct) =>
        throw new NotSupportedException("The reports do not read the ledger.");

    public Task<IReadOnlyList<TrialBalanceRow>> TrialBalanceAsync(DateOnly from, DateOnly to, CancellationToken ct) =>
        throw new NotSupportedException("The reports do not read the ledger.");

    public IAsyncEnumerable<ClearedCoupon> SpentAsync(DateTimeOffset from, DateTimeOffset to, long? merchantId, CancellationToken ct) =>
        throw new NotSupportedException("The reports do not read cleared coupons.");
}

/// <summary>Facts in domain words: merchant 7's template 1 in CNY unless told otherwise.</summary>
internal static class AFact
{
    private static int _events;

    public static ClearingFact Of(string movement, DateTimeOffset at, long template = 1, string currency = "CNY", string channel = Channels.Order,
        long discount = 0, long platformPart = 0, long orderAmount = 0, long merchant = 7, int coupons = 1) =>
        new(0, Guid.NewGuid(), Interlocked.Increment(ref _events), movement, at, DateOnly.FromDateTime(at.UtcDateTime), null, merchant, template,
            "MERCHANT", currency, platformPart == 0 ? "MERCHANT" : "SPLIT", 0, channel, null, 1, 1, null, null, coupons, discount, platformPart,
            discount - platformPart, orderAmount, null, null);

    public static ClearingFact Claimed(DateTimeOffset at, long template = 1, string currency = "CNY", long merchant = 7) =>
        Of(Movements.Claimed, at, template, currency, Channels.Claim, merchant: merchant);

    public static ClearingFact Distributed(DateTimeOffset at, long template = 1) => Of(Movements.Claimed, at, template,
        channel: Channels.Distribution);

    public static ClearingFact Spent(DateTimeOffset at, long discount, long platformPart, long orderAmount, long template = 1,
        string currency = "CNY") =>
        Of(Movements.DiscountSpent, at, template, currency, discount: discount, platformPart: platformPart, orderAmount: orderAmount, coupons: 0);

    public static ClearingFact Returned(DateTimeOffset at, long discount, long platformPart, long template = 1) =>
        Of(Movements.DiscountReturned, at, template, discount: discount, platformPart: platformPart, coupons: 0);

    public static ClearingFact ClawedBack(DateTimeOffset at, long discount, long platformPart, long template = 1) =>
        Of(Movements.DiscountClawedBack, at, template, discount: discount, platformPart: platformPart, coupons: 0);
}
