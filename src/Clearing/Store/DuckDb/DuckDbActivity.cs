using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using PromotionEngine.Clearing.Facts;

namespace PromotionEngine.Clearing.Store.DuckDb;

/// <summary>
/// The activity reports on DuckDB: the facts' aggregate (<see cref="ActivityAggregate"/>), kept in the append's transaction, and
/// the query over it, or over the facts when the aggregate cannot answer.
/// </summary>
internal sealed partial class DuckDbAnalyticStore
{

    // Properties, not fields: the schema in the other part is initialised from them, and partial parts' fields have no set order.
    private static string[] AggregateSchema =>
    [
        "CREATE TABLE IF NOT EXISTS clr_activity (merchant_id BIGINT NOT NULL, template_id BIGINT NOT NULL, quarter BIGINT NOT NULL, "
        + "currency VARCHAR NOT NULL, movement VARCHAR NOT NULL, channel VARCHAR NOT NULL, status VARCHAR, facts BIGINT NOT NULL, "
        + "coupons BIGINT NOT NULL, discount BIGINT NOT NULL, platform_part BIGINT NOT NULL, merchant_part BIGINT NOT NULL, "
        + "order_amount BIGINT NOT NULL)",
    ];

    /// <summary>The tables derived from the facts and entries: emptied with them.</summary>
    private static readonly string[] DerivedTables = ["clr_activity", "clr_balance_days", "clr_balances"];

    /// <summary>
    /// Sums the facts the append writes (those after the watermark) into the aggregate, in the append's transaction: the aggregate
    /// holds each fact once because the facts do. Summed from the batch (<see cref="PeriodSums"/>), appended with DuckDB's appender.
    /// </summary>
    private static void WriteActivity(DuckDBConnection connection, IEnumerable<ClearingFact> facts)
    {
        var sums = new PeriodSums();
        foreach (var f in facts) sums.Add(f);
        using var appender = connection.CreateAppender("clr_activity");
        foreach (var (k, s) in sums.Groups)
        {
            appender.CreateRow().AppendValue(k.Merchant).AppendValue(k.Template).AppendValue(k.Period).AppendValue(k.Currency)
                .AppendValue(k.Movement).AppendValue(k.Channel).AppendValue(k.Status).AppendValue(s.Facts).AppendValue(s.Coupons)
                .AppendValue(s.Discount).AppendValue(s.PlatformPart).AppendValue(s.MerchantPart).AppendValue(s.OrderAmount).EndRow();
        }
    }

    /// <summary>
    /// Rewrites the aggregate summed again per key and in merchant and time order (in the caller's transaction): DuckDB has no
    /// clustered index, and skips a row group by the min/max of its columns, so a merchant's report then reads the few row groups
    /// that hold its rows instead of every one. Run when a closed day's balances are recorded, once a day; what is appended after
    /// it lies at the end, a day or so of rows. The sums stay the same: partial sums of one key added together. A new table
    /// replaces the old one rather than a DELETE and an INSERT into it: deleted rows stay in their row groups until a checkpoint,
    /// and those row groups, holding every merchant, would still be scanned by every report.
    /// </summary>
    private static async Task CompactActivityAsync(DuckDBConnection connection, CancellationToken ct)
    {
        await ExecuteAsync(connection, "DROP TABLE IF EXISTS clr_activity_sorted", ct);
        await ExecuteAsync(connection, AggregateSchema[0].Replace("clr_activity (", "clr_activity_sorted (", StringComparison.Ordinal), ct);
        await ExecuteAsync(connection, """
            INSERT INTO clr_activity_sorted
            SELECT merchant_id, template_id, quarter, currency, movement, channel, status, sum(facts)::BIGINT AS facts,
                   sum(coupons)::BIGINT AS coupons, sum(discount)::BIGINT AS discount, sum(platform_part)::BIGINT AS platform_part,
                   sum(merchant_part)::BIGINT AS merchant_part, sum(order_amount)::BIGINT AS order_amount
            FROM clr_activity GROUP BY ALL
            ORDER BY merchant_id, quarter, template_id
            """, ct);
        await ExecuteAsync(connection, "DROP TABLE clr_activity", ct);
        await ExecuteAsync(connection, "ALTER TABLE clr_activity_sorted RENAME TO clr_activity", ct);
    }

    public async Task<IReadOnlyList<ActivityRow>> ActivityAsync(ActivityQuery query, CancellationToken ct)
    {
        if (query.Segments.Count == 0) return [];
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.BucketSeconds);
        // Each time is in seconds (facts: whole seconds of their milliseconds, floored) and in the table's own unit for the filters.
        var aggregate = ActivityAggregate.Serves(query);
        var (table, time, seconds, facts) = aggregate
            ? ("clr_activity", "quarter", "quarter", "facts")
            : ("clr_facts", "occurred_at", "((occurred_at - (((occurred_at % 1000) + 1000) % 1000)) // 1000)", "1");
        long Bound(DateTimeOffset at) => aggregate ? at.ToUnixTimeSeconds() : at.ToUnixTimeMilliseconds(); // on quarters: whole seconds
        var offset = new StringBuilder("CASE");
        var within = new StringBuilder();
        foreach (var s in query.Segments)
        {
            var range = $"({time} >= {Number(Bound(s.From))} AND {time} < {Number(Bound(s.To))})";
            offset.Append(" WHEN ").Append(range).Append(" THEN ").Append(Number(s.OffsetSeconds));
            within.Append(within.Length == 0 ? "" : " OR ").Append(range);
        }
        offset.Append(" ELSE 0 END");
        var first = query.Segments.Min(s => Bound(s.From));
        var last = query.Segments.Max(s => Bound(s.To));
        var bucket = Number(query.BucketSeconds);
        var template = query.ByTemplate ? "template_id" : "NULL::BIGINT";
        var templateFilter = query.TemplateId is { } t ? $"AND template_id = {Number(t)}" : "";
        var status = $"CASE WHEN movement IN ({string.Join(", ", ActivityAggregate.WithStatus.Select(m => $"'{m}'"))}) THEN status END";
        // Constant bounds first: DuckDB skips the row groups whose min/max of the time lie outside them.
        var sql = $"""
            SELECT template_id, local - (((local % {bucket}) + {bucket}) % {bucket}) AS bucket_start, currency, movement, channel,
                   sum(facts), sum(coupons), sum(discount), sum(platform_part), sum(merchant_part), sum(order_amount), status
            FROM (
                SELECT {template} AS template_id, {seconds} + ({offset}) AS local, currency, movement, channel, {status} AS status,
                       {facts} AS facts, coupons, discount, platform_part, merchant_part, order_amount
                FROM {table}
                WHERE merchant_id = {Number(query.MerchantId)} {templateFilter} AND {time} >= {Number(first)} AND {time} < {Number(last)}
                  AND ({within}))
            GROUP BY ALL
            ORDER BY 1 NULLS FIRST, 2, 3, 4, 5, 12 NULLS FIRST
            """;
        using var connection = Connect();
        return await QueryAsync(connection, sql, r => new ActivityRow(r.IsDBNull(0) ? null : r.GetInt64(0), Long(r, 1), r.GetString(2),
            r.GetString(3), r.GetString(4), Long(r, 5), Long(r, 6), Long(r, 7), Long(r, 8), Long(r, 9), Long(r, 10),
            r.IsDBNull(11) ? null : r.GetString(11)), ct);
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
