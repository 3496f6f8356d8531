using PromotionEngine.Clearing.Facts;
using PromotionEngine.Clearing.Ledger;

namespace PromotionEngine.Clearing.Store;

/// <summary>
/// The analytic store: facts and ledger entries, appended in batches from the clearing journal and read by the reports, the
/// statements and the reconciliation. Two adapters pass one contract suite: DuckDB (embedded default) and ClickHouse.
/// </summary>
internal interface IAnalyticStore
{
    /// <summary>"duckdb" or "clickhouse".</summary>
    string Name { get; }

    /// <summary>Creates the tables when missing; safe to call at every start and concurrently with reads.</summary>
    Task EnsureSchemaAsync(CancellationToken ct);

    /// <summary>The last journal seq stored (0 when nothing is): ingestion goes on after it.</summary>
    Task<long> WatermarkAsync(CancellationToken ct);

    /// <summary>
    /// Stores a batch of journal rows (seqs FirstSeq..LastSeq) as facts and ledger entries, and moves the watermark to LastSeq.
    /// Idempotent: appending a batch again, whole or after a crash at any point of an earlier append, leaves exactly one copy of
    /// every fact and entry.
    /// </summary>
    Task AppendAsync(FactBatch batch, CancellationToken ct);

    /// <summary>Removes every fact, entry and the watermark (an operator's rebuild starts from here).</summary>
    Task ResetAsync(CancellationToken ct);

    /// <summary>Counts and sums over everything stored: what the ingestion tests and the operators' view compare.</summary>
    Task<FactTotals> TotalsAsync(CancellationToken ct);

    /// <summary>
    /// A merchant's movements summed per local time bucket (and per template when asked), currency, movement and channel. Each
    /// segment is a stretch of UTC time over which the caller's time zone has one offset; a fact at UTC second t of a segment
    /// falls in bucket ⌊(t + OffsetSeconds) / BucketSeconds⌋ × BucketSeconds (local epoch seconds).
    /// </summary>
    Task<IReadOnlyList<ActivityRow>> ActivityAsync(ActivityQuery query, CancellationToken ct);

    /// <summary>
    /// A merchant's templates by net discount given in [From, To), ranked within each currency (amounts of different currencies
    /// are never compared): per currency, highest first, at most <paramref name="limit"/> templates.
    /// </summary>
    Task<IReadOnlyList<TemplateSpend>> TopTemplatesAsync(long merchantId, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken ct);

    /// <summary>
    /// Balances per merchant, currency, unit and account of every entry posted before <paramref name="day"/>: the closing balances
    /// of the last closed day before it (<see cref="CloseBalancesAsync"/>) plus the entries posted after that day and before this one.
    /// </summary>
    Task<IReadOnlyList<AccountAmount>> BalancesBeforeAsync(long? merchantId, DateOnly day, CancellationToken ct);

    /// <summary>The last day whose closing balances the store holds (null while none).</summary>
    Task<DateOnly?> BalancesClosedThroughAsync(CancellationToken ct);

    /// <summary>
    /// Records the closing balances of every merchant, currency, unit and account at the end of <paramref name="through"/>, and of
    /// each day posted on between the last day recorded and it. Only for a closed day whose entries are all stored (the store's
    /// watermark reached the close's journal seq): nothing posts in or before a closed day later, so those balances never change.
    /// Idempotent: days recorded already are left as they are.
    /// </summary>
    Task CloseBalancesAsync(DateOnly through, CancellationToken ct);

    /// <summary>What was posted on <paramref name="day"/>, per merchant, currency, unit, account and original day (adjustments).</summary>
    Task<IReadOnlyList<AccountAmount>> EntriesOnAsync(long? merchantId, DateOnly day, CancellationToken ct);

    /// <summary>
    /// What a day's statement reads: <see cref="BalancesBeforeAsync"/> and <see cref="EntriesOnAsync"/> of the same merchant and
    /// day, the same rows in the same order. A store behind a network reads both in one round trip.
    /// </summary>
    async Task<DayLedger> DayLedgerAsync(long? merchantId, DateOnly day, CancellationToken ct) =>
        new(await BalancesBeforeAsync(merchantId, day, ct), await EntriesOnAsync(merchantId, day, ct));

    /// <summary>Sum of the entries per merchant, posting day, currency and unit over [from, to]: every sum must be zero.</summary>
    Task<IReadOnlyList<TrialBalanceRow>> TrialBalanceAsync(DateOnly from, DateOnly to, CancellationToken ct);

    /// <summary>
    /// The coupons spent on orders paid in [From, To) (optionally of one merchant), one per order and coupon, with what refunds
    /// took back of them so far and whether the coupon was restored: the clearing side of the reconciliation.
    /// </summary>
    IAsyncEnumerable<ClearedCoupon> SpentAsync(DateTimeOffset from, DateTimeOffset to, long? merchantId, CancellationToken ct);
}

/// <summary>Journal rows FirstSeq..LastSeq as facts and the ledger entries posted for them.</summary>
internal sealed record FactBatch(long FirstSeq, long LastSeq, IReadOnlyList<ClearingFact> Facts, IReadOnlyList<LedgerEntry> Entries);

internal sealed record FactTotals(long Facts, long Entries, long Coupons, long Discount, long Watermark);

/// <summary>UTC time [From, To) over which the viewer's time zone is OffsetSeconds ahead of UTC.</summary>
internal sealed record OffsetSegment(DateTimeOffset From, DateTimeOffset To, int OffsetSeconds);

internal sealed record ActivityQuery(long MerchantId, long? TemplateId, IReadOnlyList<OffsetSegment> Segments, int BucketSeconds, bool ByTemplate);

/// <summary>
/// Sums of one bucket; BucketStart in local epoch seconds; TemplateId null unless asked per template. Status: where a RELEASED or
/// RESTORED coupon went (AVAILABLE or EXPIRED), null for every other movement.
/// </summary>
internal sealed record ActivityRow(
    long? TemplateId, long BucketStart, string Currency, string Movement, string Channel,
    long Facts, long Coupons, long Discount, long PlatformPart, long MerchantPart, long OrderAmount, string? Status = null);

/// <summary>Net discount = spent − returned − clawed back; Used = coupons consumed; OrderAmount of the orders that spent them.</summary>
internal sealed record TemplateSpend(long TemplateId, string Currency, long Discount, long Used, long OrderAmount);

/// <summary>A sum of entries of one account; OriginalDay set only for adjustments (entries of a closed day posted later).</summary>
internal sealed record AccountAmount(long MerchantId, string Currency, string Unit, string Account, DateOnly? OriginalDay, long Amount);

/// <summary>A day's statement's input: the balances before the day and the sums of what was posted on it.</summary>
internal sealed record DayLedger(IReadOnlyList<AccountAmount> Before, IReadOnlyList<AccountAmount> On);

internal sealed record TrialBalanceRow(long MerchantId, DateOnly Day, string Currency, string Unit, long Sum, long Entries);

internal sealed record ClearedCoupon(
    string OrderId, long UserCouponId, long TemplateId, long MerchantId, string Currency, long Discount, DateTimeOffset PaidAt,
    long Returned, long ClawedBack, bool Restored);
