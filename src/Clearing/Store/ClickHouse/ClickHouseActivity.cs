using System.Text;

namespace PromotionEngine.Clearing.Store.ClickHouse;

/// <summary>
/// The activity reports on ClickHouse: the facts' aggregate (<see cref="ActivityAggregate"/>), written by the append after the
/// facts and before the batch's row, and the query over it, or over the facts when the aggregate cannot answer.
/// </summary>
internal sealed partial class ClickHouseAnalyticStore
{
    private const long QuarterTicks = ActivityAggregate.QuarterSeconds * ClickHouseSchema.TicksPerSecond;

    /// <summary>
    /// Sums the stored facts of seqs [<paramref name="from"/>, <paramref name="to"/>] into the aggregate, server-side in one
    /// INSERT … SELECT: its rows are squashed into one block (a batch's groups are far fewer than min_insert_block_size_rows) and
    /// share seq_to, hence one partition and one part, which ClickHouse commits whole or not at all. The append calls it once the
    /// range's facts are all stored, for the part of its range the aggregate does not hold (docs/clearing.md, "Aggregates").
    /// </summary>
    internal Task AggregateAsync(long from, long to, CancellationToken ct) =>
        client.ExecuteAsync($"""
            INSERT INTO {schema.Activity} (seq_from, seq_to, merchant_id, template_id, quarter, currency, movement, channel, status,
                facts, coupons, discount, platform_part, merchant_part, order_amount)
            SELECT {ClickHouseSql.Number(from)}, {ClickHouseSql.Number(to)}, merchant_id, template_id,
                intDiv(occurred_ticks - (((occurred_ticks % {QuarterTicks}) + {QuarterTicks}) % {QuarterTicks}), {ClickHouseSchema.TicksPerSecond})
                    AS quarter_start,
                currency, movement, channel, status, toInt64(count()), sum(toInt64(coupons)), sum(discount), sum(platform_part),
                sum(merchant_part), sum(order_amount)
            FROM {schema.Facts}
            WHERE seq >= {ClickHouseSql.Number(from)} AND seq <= {ClickHouseSql.Number(to)}
            GROUP BY merchant_id, template_id, quarter_start, currency, movement, channel, status
            """, ct);

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
        var withStatus = string.Join(", ", ActivityAggregate.WithStatus.Select(m => $"'{m}'"));
        var rows = await client.ListAsync<ActivitySums>($"""
            SELECT {template}local - (((local % {bucket}) + {bucket}) % {bucket}) AS bucket_start, currency, movement, channel,
                row_status AS status, sum(row_facts) AS facts, sum(coupons) AS coupons, sum(discount) AS discount,
                sum(platform_part) AS platform_part, sum(merchant_part) AS merchant_part, sum(order_amount) AS order_amount
            FROM (
                SELECT template_id, currency, movement, channel, if(movement IN ({withStatus}), status, NULL) AS row_status,
                    toInt64({facts}) AS row_facts, coupons, discount, platform_part, merchant_part, order_amount, {seconds} + {offset} AS local
                FROM {table}
                WHERE merchant_id = {ClickHouseSql.Number(query.MerchantId)} {templateFilter} AND ({within})
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
