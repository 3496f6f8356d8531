using System.Runtime.CompilerServices;
using PromotionEngine.Clearing.Facts;
using PromotionEngine.Clearing.Ledger;

namespace PromotionEngine.Clearing.Store.ClickHouse;

/// <summary>
/// The analytic store on ClickHouse 18.16 over its HTTP interface. Appends are idempotent by journal seq: before writing a
/// batch it reads which of the batch's seqs (facts) and (seq, leg)s (entries) are stored already and inserts only the others,
/// then the batch's share of the facts' aggregate with the batch's completion marker as its last row; docs/clearing.md
/// ("ClickHouse") has the argument and why ClickHouse's own deduplication cannot carry it on this version. Sums are exact
/// without FINAL because no second copy is ever inserted.
/// </summary>
internal sealed partial class ClickHouseAnalyticStore(ClickHouseClient client, ClickHouseSchema schema) : IAnalyticStore
{
    public string Name => "clickhouse";

    public async Task EnsureSchemaAsync(CancellationToken ct)
    {
        foreach (var statement in schema.Statements()) await client.ExecuteAsync(statement, ct);
    }

    /// <summary>The highest seq a completion marker names (18.16's max() over no rows is 0).</summary>
    public async Task<long> WatermarkAsync(CancellationToken ct)
    {
        var rows = await client.ListAsync<WatermarkRow>($"SELECT max(seq_to) AS watermark FROM {schema.Activity} WHERE {Marked}", ct);
        return rows.Count == 0 ? 0 : rows[0].Watermark;
    }

    /// <summary>
    /// Five requests: what is stored (and the watermarks), the missing facts, the missing entries, the hour rollup of the facts
    /// after its own watermark, the aggregate of the facts after the watermark, each closed by the batch's completion marker; the
    /// hours before the quarters, so the rollup's watermark is never behind the store's. An earlier attempt that died after part
    /// of a rollup left rows without a marker above that rollup's watermark: they are deleted first (the only time an append
    /// waits for a mutation). A store written before the hour rollup has it filled from the aggregate first (an upgrade).
    /// </summary>
    public async Task AppendAsync(FactBatch batch, CancellationToken ct)
    {
        Validate(batch);
        var stored = await StoredAsync(batch, ct);
        if (stored.Unmarked > 0) await DeleteUnmarkedAsync(Quarters, stored.Watermark, ct);
        var hours = await HoursWatermarkAsync(stored.HoursWatermark, stored.HoursUnmarked, stored.Watermark, ct);
        await InsertMissingFactsAsync(batch, stored, ct);
        await InsertMissingEntriesAsync(batch, stored, ct);
        if (batch.LastSeq > hours) await InsertHoursAsync(batch, hours, marked: true, ct);
        if (batch.LastSeq > stored.Watermark) await InsertAggregateAsync(batch, stored.Watermark, marked: true, ct);
    }

    /// <summary>Step 1 of an append on its own (what a process that died after it left): the batch's facts not stored yet.</summary>
    internal async Task AppendFactsAsync(FactBatch batch, CancellationToken ct) =>
        await InsertMissingFactsAsync(batch, await StoredAsync(batch, ct), ct);

    /// <summary>Step 2 of an append on its own: the batch's entries not stored yet.</summary>
    internal async Task AppendEntriesAsync(FactBatch batch, CancellationToken ct) =>
        await InsertMissingEntriesAsync(batch, await StoredAsync(batch, ct), ct);

    /// <summary>
    /// What of the batch is stored already, in one query: the facts' seqs and the entries' (seq, leg)s in its seq range (each
    /// table's partition key min/max limits the read to the parts that hold the range), the watermark (the highest completion
    /// marker) and how many aggregate rows lie above it (left by an attempt that died before its marker).
    /// </summary>
    private async Task<StoredRows> StoredAsync(FactBatch batch, CancellationToken ct)
    {
        var stored = new StoredRows();
        var watermark = $"(SELECT max(seq_to) FROM {schema.Activity} WHERE {Marked})";
        await foreach (var row in client.QueryAsync<StoredRow>($"""
            SELECT 'fact' AS kind, seq, toInt32(0) AS leg FROM {schema.Facts} WHERE {SeqRange(batch)}
            UNION ALL
            SELECT 'entry' AS kind, seq, leg FROM {schema.Entries} WHERE {SeqRange(batch)}
            UNION ALL
            SELECT 'watermark' AS kind, {watermark} AS seq, toInt32(0) AS leg
            UNION ALL
            SELECT 'unmarked' AS kind, toInt64(count()) AS seq, toInt32(0) AS leg FROM {schema.Activity} WHERE seq_to > {watermark}
            UNION ALL
            SELECT 'hours' AS kind, {HoursWatermarkSql} AS seq, toInt32(0) AS leg
            UNION ALL
            SELECT 'hours unmarked' AS kind, {HoursUnmarkedSql} AS seq, toInt32(0) AS leg
            """, buffered: true, ct))
        {
            _ = row.Kind switch
            {
                "fact" => stored.Facts.Add(row.Seq),
                "entry" => stored.Entries.Add((row.Seq, row.Leg)),
                "watermark" => (stored.Watermark = row.Seq) >= 0,
                "hours" => (stored.HoursWatermark = row.Seq) >= 0,
                "hours unmarked" => (stored.HoursUnmarked = row.Seq) >= 0,
                _ => (stored.Unmarked = row.Seq) >= 0,
            };
        }
        return stored;
    }

    /// <summary>The batch's facts whose seq is not stored yet, in one INSERT.</summary>
    private async Task InsertMissingFactsAsync(FactBatch batch, StoredRows stored, CancellationToken ct)
    {
        var missing = batch.Facts.Where(f => stored.Facts.Add(f.Seq)).ToList(); // Add: a seq twice in the batch goes in once
        if (missing.Count > 0) await InsertFactsAsync(missing, ct);
    }

    /// <summary>The batch's entries whose (seq, leg) is not stored yet, in one INSERT.</summary>
    private async Task InsertMissingEntriesAsync(FactBatch batch, StoredRows stored, CancellationToken ct)
    {
        var missing = batch.Entries.Where(e => stored.Entries.Add((e.Seq, e.Leg))).ToList();
        if (missing.Count > 0) await InsertEntriesAsync(missing, ct);
    }

    /// <summary>Facts as they are, no check: the append's insert, and the raw bulk insert the benchmark compares it with.</summary>
    internal Task InsertFactsAsync(IEnumerable<ClearingFact> facts, CancellationToken ct) =>
        client.InsertAsync(schema.Facts, ClickHouseSchema.FactColumns, w =>
        {
            foreach (var f in facts)
            {
                w.Int(f.Seq).Uuid(f.EventId).Int(f.Line).Str(f.Movement).Int(Ticks(f.OccurredAt)).Day(f.PostingDay).Day(f.OriginalDay)
                    .Int(f.MerchantId).Int(f.TemplateId).Str(f.Scope).Str(f.Currency).Str(f.Funding).Int(f.PlatformShareBps)
                    .Str(f.Channel).Str(f.ChannelId).Int(f.UserCouponId).Int(f.UserId).Str(f.OrderId).Str(f.Status)
                    .Int(f.Coupons).Int(f.Discount).Int(f.PlatformPart).Int(f.MerchantPart).Int(f.OrderAmount).Int(f.OrderLine)
                    .Str(f.Sku).EndRow();
            }
        }, ct);

    internal Task InsertEntriesAsync(IEnumerable<LedgerEntry> entries, CancellationToken ct) =>
        client.InsertAsync(schema.Entries, ClickHouseSchema.EntryColumns, w =>
        {
            foreach (var e in entries)
            {
                w.Int(e.Seq).Uuid(e.EventId).Int(e.Line).Int(e.Leg).Day(e.PostingDay).Day(e.OriginalDay).Int(e.MerchantId)
                    .Str(e.Currency).Str(e.Unit).Str(e.Account).Int(e.Amount).Int(e.TemplateId).Int(Ticks(e.OccurredAt)).EndRow();
            }
        }, ct);

    public async Task ResetAsync(CancellationToken ct)
    {
        // The aggregate and its markers first: if the reset stops halfway, the watermark is already 0 and the re-ingestion from
        // seq 0 skips (by seq) whatever facts and entries are still there.
        foreach (var table in schema.Derived) await client.ExecuteAsync($"TRUNCATE TABLE IF EXISTS {table}", ct);
        await client.ExecuteAsync($"TRUNCATE TABLE IF EXISTS {schema.Facts}", ct);
        await client.ExecuteAsync($"TRUNCATE TABLE IF EXISTS {schema.Entries}", ct);
    }

    public async Task<FactTotals> TotalsAsync(CancellationToken ct)
    {
        var rows = await client.ListAsync<TotalsRow>($"""
            SELECT
                (SELECT count() FROM {schema.Facts}) AS facts,
                (SELECT count() FROM {schema.Entries}) AS entries,
                (SELECT sum(coupons) FROM {schema.Facts}) AS coupons,
                (SELECT sum(discount) FROM {schema.Facts}) AS discount,
                (SELECT max(seq_to) FROM {schema.Activity} WHERE {Marked}) AS watermark
            """, ct);
        var t = rows[0];
        return new FactTotals(t.Facts, t.Entries, t.Coupons, t.Discount, t.Watermark);
    }

    public async Task<IReadOnlyList<TemplateSpend>> TopTemplatesAsync(
        long merchantId, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var rows = await client.ListAsync<TemplateSpendRow>($"""
            SELECT template_id, currency,
                sumIf(discount, movement = '{Movements.DiscountSpent}') - sumIf(discount, movement = '{Movements.DiscountReturned}')
                    - sumIf(discount, movement = '{Movements.DiscountClawedBack}') AS discount,
                sumIf(coupons, movement = '{Movements.Consumed}') AS used,
                sumIf(order_amount, movement = '{Movements.DiscountSpent}') AS order_amount
            FROM {schema.Facts}
            WHERE merchant_id = {ClickHouseSql.Number(merchantId)}
                AND occurred_ticks >= {ClickHouseSql.Number(Ticks(from))} AND occurred_ticks < {ClickHouseSql.Number(Ticks(to))}
                AND movement IN ('{Movements.DiscountSpent}', '{Movements.DiscountReturned}', '{Movements.DiscountClawedBack}',
                    '{Movements.Consumed}')
            GROUP BY template_id, currency
            ORDER BY discount DESC, template_id, currency
            LIMIT {ClickHouseSql.Number(limit)} BY currency
            """, ct);
        return rows.Select(r => new TemplateSpend(r.TemplateId, r.Currency, r.Discount, r.Used, r.OrderAmount)).ToList();
    }

    public async Task<IReadOnlyList<AccountAmount>> EntriesOnAsync(long? merchantId, DateOnly day, CancellationToken ct)
    {
        var rows = await client.ListAsync<AccountRow>($"""
            SELECT merchant_id, currency, unit, account, original_day, sum(amount) AS amount
            FROM {schema.Entries}
            WHERE posting_day = {ClickHouseSql.Day(day)} {MerchantFilter(merchantId)}
            GROUP BY merchant_id, currency, unit, account, original_day
            ORDER BY merchant_id, currency, unit, account, original_day NULLS FIRST
            """, ct);
        return rows.Select(r => new AccountAmount(r.MerchantId, r.Currency, r.Unit, r.Account, r.OriginalDay, r.Amount)).ToList();
    }

    public async Task<IReadOnlyList<TrialBalanceRow>> TrialBalanceAsync(DateOnly from, DateOnly to, CancellationToken ct)
    {
        var rows = await client.ListAsync<TrialRow>($"""
            SELECT merchant_id, posting_day, currency, unit, sum(amount) AS sum, count() AS entries
            FROM {schema.Entries}
            WHERE posting_day >= {ClickHouseSql.Day(from)} AND posting_day <= {ClickHouseSql.Day(to)}
            GROUP BY merchant_id, posting_day, currency, unit
            ORDER BY merchant_id, posting_day, currency, unit
            """, ct);
        return rows.Select(r => new TrialBalanceRow(r.MerchantId, r.PostingDay, r.Currency, r.Unit, r.Sum, r.Entries)).ToList();
    }

    public async IAsyncEnumerable<ClearedCoupon> SpentAsync(
        DateTimeOffset from, DateTimeOffset to, long? merchantId, [EnumeratorCancellation] CancellationToken ct)
    {
        // Spent in the range, joined with what refunds did to the same order and coupon at any time since. The inner names
        // differ from the columns: in ClickHouse an alias shadows a column of the same name everywhere in its query, WHERE too.
        var sql = $"""
            SELECT spent_order AS order_id, spent_coupon AS user_coupon_id, spent_template AS template_id,
                spent_merchant AS merchant_id, spent_currency AS currency, spent_discount AS discount, paid_ticks,
                returned, clawed_back, restored
            FROM (
                SELECT assumeNotNull(order_id) AS spent_order, assumeNotNull(user_coupon_id) AS spent_coupon,
                    any(template_id) AS spent_template, any(merchant_id) AS spent_merchant, any(currency) AS spent_currency,
                    sum(discount) AS spent_discount, min(occurred_ticks) AS paid_ticks
                FROM {schema.Facts}
                WHERE movement = '{Movements.DiscountSpent}' AND order_id IS NOT NULL AND user_coupon_id IS NOT NULL
                    AND occurred_ticks >= {ClickHouseSql.Number(Ticks(from))} AND occurred_ticks < {ClickHouseSql.Number(Ticks(to))}
                    {MerchantFilter(merchantId)}
                GROUP BY spent_order, spent_coupon
            )
            ANY LEFT JOIN (
                SELECT assumeNotNull(order_id) AS spent_order, assumeNotNull(user_coupon_id) AS spent_coupon,
                    sumIf(discount, movement = '{Movements.DiscountReturned}') AS returned,
                    sumIf(discount, movement = '{Movements.DiscountClawedBack}') AS clawed_back,
                    max(movement = '{Movements.Restored}') AS restored
                FROM {schema.Facts}
                WHERE movement IN ('{Movements.DiscountReturned}', '{Movements.DiscountClawedBack}', '{Movements.Restored}')
                    AND order_id IS NOT NULL AND user_coupon_id IS NOT NULL {MerchantFilter(merchantId)}
                GROUP BY spent_order, spent_coupon
            ) USING (spent_order, spent_coupon)
            ORDER BY spent_order, spent_coupon
            """;
        await foreach (var r in client.QueryAsync<SpentRow>(sql, buffered: false, ct))
        {
            yield return new ClearedCoupon(r.OrderId, r.UserCouponId, r.TemplateId, r.MerchantId, r.Currency, r.Discount,
                FromTicks(r.PaidTicks), r.Returned, r.ClawedBack, r.Restored != 0);
        }
    }

    internal static long Ticks(DateTimeOffset at) => at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;

    internal static DateTimeOffset FromTicks(long ticks) => new(DateTimeOffset.UnixEpoch.UtcTicks + ticks, TimeSpan.Zero);

    /// <summary>The aggregate's completion markers.</summary>
    private static string Marked => $"merchant_id = {ClickHouseSql.Number(ClickHouseSchema.MarkerMerchant)}";

    private static string SeqRange(FactBatch batch) =>
        $"seq >= {ClickHouseSql.Number(batch.FirstSeq)} AND seq <= {ClickHouseSql.Number(batch.LastSeq)}";

    private static string MerchantFilter(long? merchantId) =>
        merchantId is { } m ? $"AND merchant_id = {ClickHouseSql.Number(m)}" : "";

    /// <summary>Rows outside the batch's seq range would escape the check that makes the append idempotent.</summary>
    private static void Validate(FactBatch batch)
    {
        if (batch.FirstSeq > batch.LastSeq)
            throw new ArgumentException($"The batch's FirstSeq {batch.FirstSeq} is after its LastSeq {batch.LastSeq}.", nameof(batch));
        foreach (var f in batch.Facts)
        {
            if (f.Seq < batch.FirstSeq || f.Seq > batch.LastSeq)
                throw new ArgumentException($"Fact seq {f.Seq} is outside the batch {batch.FirstSeq}..{batch.LastSeq}.", nameof(batch));
        }
        foreach (var e in batch.Entries)
        {
            if (e.Seq < batch.FirstSeq || e.Seq > batch.LastSeq)
                throw new ArgumentException($"Entry seq {e.Seq} is outside the batch {batch.FirstSeq}..{batch.LastSeq}.", nameof(batch));
        }
    }

    private sealed record WatermarkRow(long Watermark);
    private sealed record StoredRow(string Kind, long Seq, int Leg);

    private sealed class StoredRows
    {
        public HashSet<long> Facts { get; } = [];
        public HashSet<(long Seq, int Leg)> Entries { get; } = [];

        /// <summary>The highest seq of a completion marker: every fact, entry and aggregate row up to it is stored once.</summary>
        public long Watermark { get; set; }

        /// <summary>Aggregate rows above the watermark: what an attempt that died before its marker left.</summary>
        public long Unmarked { get; set; }

        /// <summary>The hour rollup's highest marker: not behind the watermark, except in a store written before the rollup.</summary>
        public long HoursWatermark { get; set; }

        /// <summary>Hour rollup rows above its watermark: an unfinished attempt's.</summary>
        public long HoursUnmarked { get; set; }
    }
    private sealed record TotalsRow(long Facts, long Entries, long Coupons, long Discount, long Watermark);
    private sealed record TemplateSpendRow(long TemplateId, string Currency, long Discount, long Used, long OrderAmount);
    private sealed record AccountRow(long MerchantId, string Currency, string Unit, string Account, DateOnly? OriginalDay, long Amount);
    private sealed record TrialRow(long MerchantId, DateOnly PostingDay, string Currency, string Unit, long Sum, long Entries);
    private sealed record SpentRow(
        string OrderId, long UserCouponId, long TemplateId, long MerchantId, string Currency, long Discount, long PaidTicks,
        long Returned, long ClawedBack, int Restored);
}
