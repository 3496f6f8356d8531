using System.Text;

namespace PromotionEngine.Clearing.Store.ClickHouse;

/// <summary>
/// The activity reports on ClickHouse: the facts' aggregate (<see cref="ActivityAggregate"/>), written by the append after the
/// facts and before the batch's row, and the query over it, or over the facts when the aggregate cannot answer.
/// </summary>
internal sealed partial class ClickHouseAnalyticStore
{

    /// <summary>
    /// The batch's facts after <paramref name="watermark"/> (each seq once) summed here, from the batch, and inserted as one
    /// request whose rows carry the range [from, LastSeq]; with <paramref name="marked"/> the last row is the range's completion
    /// marker. ClickHouse keeps a prefix of an insert whose client died at a row boundary: a prefix without the marker is ignored
    /// by every read (above the watermark) and deleted by the next append (docs/clearing.md, "Aggregates").
    /// </summary>
    internal Task InsertAggregateAsync(FactBatch batch, long watermark, bool marked, CancellationToken ct)
    {
        // Summed before the request starts: the server drops a connection whose body does not come (a pause of seconds for a
        // batch of a million facts broke the pipe), so the body is only written, row after row.
        var sums = AggregateSums.Of(batch, watermark);
        return client.InsertAsync(schema.Activity, ClickHouseSchema.ActivityColumns, w => sums.Write(w, int.MaxValue, marked), ct);
    }

    /// <summary>
    /// The aggregate's rows of <paramref name="batch"/> after <paramref name="watermark"/> (at most <paramref name="sums"/> of them),
    /// then, with <paramref name="marker"/>, its completion marker. Fewer sums or no marker: what a body cut off early holds.
    /// </summary>
    internal static void WriteAggregate(TsvWriter w, FactBatch batch, long watermark, int sums, bool marker) =>
        AggregateSums.Of(batch, watermark).Write(w, sums, marker);

    /// <summary>The sums of a batch's facts after the watermark (each seq once) per aggregate key, over the range [From, To].</summary>
    private sealed class AggregateSums
    {
        private readonly QuarterSums _groups = new();
        private long _from;
        private long _to;
        private int _facts;

        public static AggregateSums Of(FactBatch batch, long watermark)
        {
            var sums = new AggregateSums { _from = Math.Max(watermark, batch.FirstSeq - 1) + 1, _to = batch.LastSeq };
            var seen = new HashSet<long>();
            foreach (var f in batch.Facts)
            {
                if (f.Seq <= watermark || !seen.Add(f.Seq)) continue;
                sums._groups.Add(f);
            }
            sums._facts = seen.Count;
            return sums;
        }

        public void Write(TsvWriter w, int sums, bool marker)
        {
            foreach (var (k, s) in _groups.Groups.Take(sums))
            {
                w.Int(_from).Int(_to).Int(k.Merchant).Int(k.Template).Int(k.Quarter).Str(k.Currency).Str(k.Movement).Str(k.Channel).Str(k.Status)
                    .Int(s.Facts).Int(s.Coupons).Int(s.Discount).Int(s.PlatformPart).Int(s.MerchantPart).Int(s.OrderAmount).EndRow();
            }
            if (!marker) return;
            w.Int(_from).Int(_to).Int(ClickHouseSchema.MarkerMerchant).Int(0).Int(0).Str("").Str("").Str("").Str(null)
                .Int(_facts).Int(0).Int(0).Int(0).Int(0).Int(0).EndRow();
        }
    }

    /// <summary>
    /// Deletes the aggregate rows above <paramref name="watermark"/> (an unfinished attempt's, never read) and waits until the
    /// mutation is done: the marker this append writes moves the watermark past them, so they must be gone before it.
    /// </summary>
    private async Task DeleteUnmarkedAggregateAsync(long watermark, CancellationToken ct)
    {
        await client.ExecuteAsync($"ALTER TABLE {schema.Activity} DELETE WHERE seq_to > {ClickHouseSql.Number(watermark)}", ct);
        var (database, table) = (schema.Database, schema.Activity[(schema.Database.Length + 1)..]);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (true)
        {
            var pending = await client.ListAsync<CountRow>($"""
                SELECT count() AS rows FROM system.mutations
                WHERE database = {ClickHouseSql.String(database)} AND table = {ClickHouseSql.String(table)} AND is_done = 0
                """, ct);
            if (pending[0].Rows == 0) return;
            if (DateTime.UtcNow > deadline)
                throw new ClickHouseException(0, $"The deletion of {schema.Activity}'s unfinished rows is not done after 5 minutes.");
            await Task.Delay(TimeSpan.FromMilliseconds(50), ct);
        }
    }

    public async Task<IReadOnlyList<ActivityRow>> ActivityAsync(ActivityQuery query, CancellationToken ct)
    {
        if (query.Segments.Count == 0) return [];
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.BucketSeconds);
        const long second = ClickHouseSchema.TicksPerSecond;
        // The aggregate's time is the quarter's first UTC second; the facts' is ticks, made whole seconds (floored, the remainder
        // non-negative: ClickHouse's % keeps the dividend's sign). Then the offset of the segment a row falls in, and
        // ⌊(t + offset) / B⌋ × B the same way.
        var aggregate = ActivityAggregate.Serves(query);
        var (table, time, seconds, facts) = aggregate
            ? (schema.Activity, "quarter", "quarter", "facts")
            : (schema.Facts, "occurred_ticks", $"intDiv(occurred_ticks - (((occurred_ticks % {second}) + {second}) % {second}), {second})", "1");
        long Bound(DateTimeOffset at) => aggregate ? at.ToUnixTimeSeconds() : Ticks(at);
        var offset = new StringBuilder("multiIf(");
        var within = new StringBuilder();
        foreach (var segment in query.Segments)
        {
            var range = $"({time} >= {ClickHouseSql.Number(Bound(segment.From))} AND {time} < {ClickHouseSql.Number(Bound(segment.To))})";
            offset.Append(range).Append(", ").Append(ClickHouseSql.Number(segment.OffsetSeconds)).Append(", ");
            within.Append(within.Length == 0 ? "" : " OR ").Append(range);
        }
        offset.Append("0)");
        var bucket = ClickHouseSql.Number(query.BucketSeconds);
        var template = query.ByTemplate ? "template_id, " : "";
        var templateFilter = query.TemplateId is { } t ? $"AND template_id = {ClickHouseSql.Number(t)}" : "";
        // Aggregate rows above the watermark belong to an append that has not finished (or died): never read.
        var finished = aggregate ? $"AND seq_to <= (SELECT max(seq_to) FROM {schema.Activity} WHERE {Marked})" : "";
        var withStatus = string.Join(", ", ActivityAggregate.WithStatus.Select(m => $"'{m}'"));
        var rows = await client.ListAsync<ActivitySums>($"""
            SELECT {template}local - (((local % {bucket}) + {bucket}) % {bucket}) AS bucket_start, currency, movement, channel,
                row_status AS status, sum(row_facts) AS facts, sum(coupons) AS coupons, sum(discount) AS discount,
                sum(platform_part) AS platform_part, sum(merchant_part) AS merchant_part, sum(order_amount) AS order_amount
            FROM (
                SELECT template_id, currency, movement, channel, if(movement IN ({withStatus}), status, NULL) AS row_status,
                    toInt64({facts}) AS row_facts, coupons, discount, platform_part, merchant_part, order_amount, {seconds} + {offset} AS local
                FROM {table}
                WHERE merchant_id = {ClickHouseSql.Number(query.MerchantId)} {templateFilter} {finished} AND ({within})
            )
            GROUP BY {template}bucket_start, currency, movement, channel, row_status
            ORDER BY {template}bucket_start, currency, movement, channel, row_status NULLS FIRST
            """, ct);
        return rows.Select(r => new ActivityRow(query.ByTemplate ? r.TemplateId : null, r.BucketStart, r.Currency, r.Movement, r.Channel,
            r.Facts, r.Coupons, r.Discount, r.PlatformPart, r.MerchantPart, r.OrderAmount, r.Status)).ToList();
    }

    private sealed record ActivitySums(
        long TemplateId, long BucketStart, string Currency, string Movement, string Channel, string? Status,
        long Facts, long Coupons, long Discount, long PlatformPart, long MerchantPart, long OrderAmount);
}
