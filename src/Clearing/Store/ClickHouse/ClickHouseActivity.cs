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
    internal Task InsertAggregateAsync(FactBatch batch, long watermark, bool marked, CancellationToken ct) =>
        InsertSumsAsync(Quarters, batch, watermark, marked, ct);

    /// <summary>The same for the hour rollup, after its own <paramref name="watermark"/> (its highest marker).</summary>
    internal Task InsertHoursAsync(FactBatch batch, long watermark, bool marked, CancellationToken ct) =>
        InsertSumsAsync(Hours, batch, watermark, marked, ct);

    private Task InsertSumsAsync(Rollup rollup, FactBatch batch, long watermark, bool marked, CancellationToken ct)
    {
        // Summed before the request starts: the server drops a connection whose body does not come (a pause of seconds for a
        // batch of a million facts broke the pipe), so the body is only written, row after row.
        var sums = AggregateSums.Of(batch, watermark, rollup.Seconds);
        return client.InsertAsync(rollup.Table(schema), rollup.Columns, w => sums.Write(w, int.MaxValue, marked), ct);
    }

    /// <summary>
    /// The aggregate's rows of <paramref name="batch"/> after <paramref name="watermark"/> (at most <paramref name="sums"/> of them),
    /// then, with <paramref name="marker"/>, its completion marker. Fewer sums or no marker: what a body cut off early holds.
    /// </summary>
    internal static void WriteAggregate(TsvWriter w, FactBatch batch, long watermark, int sums, bool marker) =>
        AggregateSums.Of(batch, watermark, ActivityAggregate.QuarterSeconds).Write(w, sums, marker);

    /// <summary>The same for the hour rollup's body.</summary>
    internal static void WriteHours(TsvWriter w, FactBatch batch, long watermark, int sums, bool marker) =>
        AggregateSums.Of(batch, watermark, ActivityAggregate.HourSeconds).Write(w, sums, marker);

    /// <summary>A table of the facts summed per period: its period, name and columns, and how its completion markers are found.</summary>
    private sealed record Rollup(int Seconds, Func<ClickHouseSchema, string> Table, string Columns, string Period, string Marked);

    private static readonly Rollup Quarters =
        new(ActivityAggregate.QuarterSeconds, s => s.Activity, ClickHouseSchema.ActivityColumns, "quarter", Marked);

    /// <summary>The hour rollup's markers lie at hour 0, a partition of their own: reading them opens nothing else.</summary>
    private static readonly Rollup Hours = new(ActivityAggregate.HourSeconds, s => s.ActivityHours, ClickHouseSchema.ActivityHourColumns,
        "hour", $"{Marked} AND hour = 0");

    /// <summary>The sums of a batch's facts after the watermark (each seq once) per aggregate key, over the range [From, To].</summary>
    private sealed class AggregateSums
    {
        private PeriodSums _groups = new();
        private long _from;
        private long _to;
        private int _facts;

        public static AggregateSums Of(FactBatch batch, long watermark, int periodSeconds)
        {
            var sums = new AggregateSums { _from = Math.Max(watermark, batch.FirstSeq - 1) + 1, _to = batch.LastSeq, _groups = new(periodSeconds) };
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
                w.Int(_from).Int(_to).Int(k.Merchant).Int(k.Template).Int(k.Period).Str(k.Currency).Str(k.Movement).Str(k.Channel).Str(k.Status)
                    .Int(s.Facts).Int(s.Coupons).Int(s.Discount).Int(s.PlatformPart).Int(s.MerchantPart).Int(s.OrderAmount).EndRow();
            }
            if (!marker) return;
            WriteMarker(w, _from, _to, _facts);
        }
    }

    /// <summary>A completion marker of the range [from, to] that summed <paramref name="facts"/> facts: merchant -1, period 0.</summary>
    private static void WriteMarker(TsvWriter w, long from, long to, long facts) =>
        w.Int(from).Int(to).Int(ClickHouseSchema.MarkerMerchant).Int(0).Int(0).Str("").Str("").Str("").Str(null)
            .Int(facts).Int(0).Int(0).Int(0).Int(0).Int(0).EndRow();

    /// <summary>
    /// Where the hour rollup's append starts: its watermark, after deleting an unfinished attempt's rows above it. When it is behind
    /// the aggregate's watermark — a store written before the rollup existed, the first append of the upgraded engine — it is
    /// emptied and filled from the aggregate's finished rows instead, in one insert closed by a marker at the aggregate's
    /// watermark, and that is where it starts. It is never behind otherwise: every append inserts its hours before its quarters.
    /// </summary>
    private async Task<long> HoursWatermarkAsync(long hours, long hoursUnmarked, long quarters, CancellationToken ct)
    {
        if (hours >= quarters)
        {
            if (hoursUnmarked > 0) await DeleteUnmarkedAsync(Hours, hours, ct);
            return hours;
        }
        await client.ExecuteAsync($"TRUNCATE TABLE IF EXISTS {schema.ActivityHours}", ct);
        var through = ClickHouseSql.Number(quarters);
        var finished = $"merchant_id != {ClickHouseSql.Number(ClickHouseSchema.MarkerMerchant)} AND seq_to <= {through}";
        var facts = await client.ListAsync<CountRow>(
            $"SELECT toInt64(sum(facts)) AS rows FROM {schema.Activity} WHERE {Marked} AND seq_to <= {through}", ct);
        var merchants = await client.ListAsync<MerchantRows>(
            $"SELECT merchant_id, toInt64(count()) AS rows FROM {schema.Activity} WHERE {finished} GROUP BY merchant_id ORDER BY merchant_id", ct);
        // Summed a stretch of merchants at a time (the sort key's first column: each query reads its stretch only): 18.16's GROUP
        // BY over a nullable string key holds ~400 bytes a row, ~4 GB for a whole store of 10 million rows, over the server's limit.
        // Aliases unlike the columns: in ClickHouse an alias shadows a column of its name in WHERE too.
        var selects = Stretches(merchants, FillRowsPerQuery).Select(s => $"""
            SELECT toInt64(1) AS filled_from, toInt64({through}) AS filled_to, merchant_id, template_id,
                quarter - (((quarter % 3600) + 3600) % 3600) AS hour, currency, movement, channel, status, sum(facts), sum(coupons),
                sum(discount), sum(platform_part), sum(merchant_part), sum(order_amount)
            FROM {schema.Activity}
            WHERE merchant_id >= {ClickHouseSql.Number(s.First)} AND merchant_id <= {ClickHouseSql.Number(s.Last)} AND {finished}
            GROUP BY merchant_id, template_id, hour, currency, movement, channel, status
            """).ToList();
        await client.CopyAsync(selects, schema.ActivityHours, ClickHouseSchema.ActivityHourColumns,
            w => WriteMarker(w, 1, quarters, facts[0].Rows), ct);
        _hoursReady = true;
        return quarters;
    }

    /// <summary>Aggregate rows summed by one query of the hour rollup's fill (~100 MB of the server's memory).</summary>
    internal long FillRowsPerQuery { get; init; } = 250_000;

    /// <summary>Consecutive merchants, each stretch of at most <paramref name="rows"/> rows (or a single merchant that has more).</summary>
    private static IEnumerable<(long First, long Last)> Stretches(IReadOnlyList<MerchantRows> merchants, long rows)
    {
        var i = 0;
        while (i < merchants.Count)
        {
            var (first, sum) = (merchants[i].MerchantId, merchants[i].Rows);
            while (i + 1 < merchants.Count && sum + merchants[i + 1].Rows <= rows) sum += merchants[++i].Rows;
            yield return (first, merchants[i++].MerchantId);
        }
    }

    private sealed record MerchantRows(long MerchantId, long Rows);

    /// <summary>
    /// Fills the hour rollup of a store written before it (what the first append of an upgraded engine does): for an operator, or
    /// a benchmark of a kept store, that will not wait for the next append. Only where appends are (the ingester's lease).
    /// </summary>
    internal async Task CatchUpHoursAsync(CancellationToken ct)
    {
        var rows = await client.ListAsync<WatermarksRow>(WatermarksSql(withUnmarked: true), ct);
        await HoursWatermarkAsync(rows[0].Hours, rows[0].HoursUnmarked, rows[0].Quarters, ct);
    }

    private string WatermarksSql(bool withUnmarked) => $"""
        SELECT {HoursWatermarkSql} AS hours, (SELECT max(seq_to) FROM {schema.Activity} WHERE {Marked}) AS quarters
            {(withUnmarked ? $", {HoursUnmarkedSql} AS hours_unmarked" : "")}
        """;

    private string HoursWatermarkSql => $"(SELECT max(seq_to) FROM {schema.ActivityHours} WHERE {Hours.Marked})";

    private string HoursUnmarkedSql => $"(SELECT toInt64(count()) FROM {schema.ActivityHours} WHERE seq_to > {HoursWatermarkSql})";

    private sealed record WatermarksRow(long Hours, long Quarters, long HoursUnmarked);

    /// <summary>
    /// Whether reports may read the hour rollup (always in the engine; the benchmark's <c>--rollup quarter</c> turns it off to
    /// time the quarter-hour aggregate on the same store). The rollup is kept either way.
    /// </summary>
    internal bool ReadsHours { get; init; } = true;

    /// <summary>
    /// Whether the hour rollup holds what the aggregate does (its watermark is not behind), read until it is once, and then
    /// remembered: only a store written before the rollup, until its first append, has it behind.
    /// </summary>
    private volatile bool _hoursReady;

    private async Task<bool> HoursReadyAsync(CancellationToken ct)
    {
        if (_hoursReady) return true;
        var rows = await client.ListAsync<WatermarksRow>(WatermarksSql(withUnmarked: false), ct);
        return _hoursReady = rows[0].Hours >= rows[0].Quarters;
    }

    /// <summary>
    /// Deletes a rollup's rows above <paramref name="watermark"/> (an unfinished attempt's, never read) and waits until the
    /// mutation is done: the marker this append writes moves the watermark past them, so they must be gone before it.
    /// </summary>
    private async Task DeleteUnmarkedAsync(Rollup rollup, long watermark, CancellationToken ct)
    {
        var qualified = rollup.Table(schema);
        await client.ExecuteAsync($"ALTER TABLE {qualified} DELETE WHERE seq_to > {ClickHouseSql.Number(watermark)}", ct);
        var (database, table) = (schema.Database, qualified[(schema.Database.Length + 1)..]);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (true)
        {
            var pending = await client.ListAsync<CountRow>($"""
                SELECT count() AS rows FROM system.mutations
                WHERE database = {ClickHouseSql.String(database)} AND table = {ClickHouseSql.String(table)} AND is_done = 0
                """, ct);
            if (pending[0].Rows == 0) return;
            if (DateTime.UtcNow > deadline)
                throw new ClickHouseException(0, $"The deletion of {qualified}'s unfinished rows is not done after 5 minutes.");
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
        // The hour rollup for whole-hour time zones (a few times fewer rows, in month partitions), the quarter-hour aggregate for
        // the others on quarters, the facts for the rest.
        var rollup = ReadsHours && ActivityAggregate.Serves(query, ActivityAggregate.HourSeconds) && await HoursReadyAsync(ct) ? Hours
            : ActivityAggregate.Serves(query) ? Quarters : null;
        var aggregate = rollup is not null;
        var (table, time, seconds, facts) = rollup is { } r
            ? (r.Table(schema), r.Period, r.Period, "facts")
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
        var finished = rollup is { } f ? $"AND seq_to <= (SELECT max(seq_to) FROM {table} WHERE {f.Marked})" : "";
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
