namespace PromotionEngine.Clearing.Store.ClickHouse;

/// <summary>
/// The clearing tables in ClickHouse 18.16 SQL (docs/clearing.md, "ClickHouse", says why each choice). Time is kept as ticks
/// (100 ns) since the Unix epoch in an Int64: 18.16's DateTime has whole seconds only, and a fact's instant must come back
/// exactly. Days are Date. Every table is partitioned by journal seq (blocks of 2^20), so the append's check of a seq range
/// reads only the parts whose seq range (the partition key's min/max, kept per part) meets it.
/// </summary>
internal sealed class ClickHouseSchema(string database)
{
    public const long SeqPartition = 1 << 20;

    public const long TicksPerSecond = TimeSpan.TicksPerSecond;

    /// <summary>
    /// Rows per primary-index mark (ClickHouse's default is 8192): one merchant's facts of a report are a few thousand rows
    /// in each part, so finer marks read a few times fewer rows around them; the index stays small (10 million rows, 10,000 marks).
    /// </summary>
    public const int IndexGranularity = 1024;

    public string Database { get; } = ClickHouseSql.Identifier(database);
    public string Facts => Database + ".clr_facts";
    public string Entries => Database + ".clr_entries";
    public string Activity => Database + ".clr_activity";
    public string ActivityHours => Database + ".clr_activity_hours";
    public string Balances => Database + ".clr_balances";
    public string BalanceDays => Database + ".clr_balance_days";

    /// <summary>
    /// The tables derived from the facts and entries, emptied by a reset right after the batches (a reset that stops halfway
    /// leaves derived rows the re-ingestion skips, like facts: it rebuilds from the same journal). The days' list before the
    /// balances: a day listed always has its balances.
    /// </summary>
    public IEnumerable<string> Derived => [ActivityHours, Activity, BalanceDays, Balances];

    public const string FactColumns =
        "seq, event_id, line, movement, occurred_ticks, posting_day, original_day, merchant_id, template_id, scope, currency, " +
        "funding, platform_share_bps, channel, channel_id, user_coupon_id, user_id, order_id, status, coupons, discount, " +
        "platform_part, merchant_part, order_amount, order_line, sku";

    public const string EntryColumns =
        "seq, event_id, line, leg, posting_day, original_day, merchant_id, currency, unit, account, amount, template_id, occurred_ticks";

    public const string ActivityColumns =
        "seq_from, seq_to, merchant_id, template_id, quarter, currency, movement, channel, status, facts, coupons, discount, " +
        "platform_part, merchant_part, order_amount";

    public const string ActivityHourColumns =
        "seq_from, seq_to, merchant_id, template_id, hour, currency, movement, channel, status, facts, coupons, discount, " +
        "platform_part, merchant_part, order_amount";

    /// <summary>
    /// The merchant id of an aggregate row that is an append's completion marker (no merchant has it): the last row of the
    /// append's aggregate insert, so a marker exists only when every row before it was stored; its seq_to is the watermark.
    /// </summary>
    public const long MarkerMerchant = -1;

    public IEnumerable<string> Statements()
    {
        yield return $"CREATE DATABASE IF NOT EXISTS {Database}";
        // Facts: the reports read one merchant's time range, so the sort key starts (merchant, instant); (event id, line)
        // closes it, which makes ReplacingMergeTree drop a second copy of a fact at its next merge (the second guard).
        yield return $"""
            CREATE TABLE IF NOT EXISTS {Facts} (
                seq Int64, event_id UUID, line Int32, movement String, occurred_ticks Int64, posting_day Date,
                original_day Nullable(Date), merchant_id Int64, template_id Int64, scope String, currency String, funding String,
                platform_share_bps Int32, channel String, channel_id Nullable(String), user_coupon_id Nullable(Int64),
                user_id Nullable(Int64), order_id Nullable(String), status Nullable(String), coupons Int32, discount Int64,
                platform_part Int64, merchant_part Int64, order_amount Int64, order_line Nullable(Int32), sku Nullable(String)
            ) ENGINE = ReplacingMergeTree
            PARTITION BY intDiv(seq, {SeqPartition})
            ORDER BY (merchant_id, occurred_ticks, event_id, line)
            SETTINGS index_granularity = {IndexGranularity}
            """;
        // Entries: statements and the trial balance read per merchant and posting day.
        yield return $"""
            CREATE TABLE IF NOT EXISTS {Entries} (
                seq Int64, event_id UUID, line Int32, leg Int32, posting_day Date, original_day Nullable(Date), merchant_id Int64,
                currency String, unit String, account String, amount Int64, template_id Int64, occurred_ticks Int64
            ) ENGINE = ReplacingMergeTree
            PARTITION BY intDiv(seq, {SeqPartition})
            ORDER BY (merchant_id, posting_day, event_id, line, leg)
            SETTINGS index_granularity = {IndexGranularity}
            """;
        // The facts' aggregate (docs/clearing.md, "Aggregates"): one insert per append, summed by the client from its batch, every
        // row tagged with the batch's range [seq_from, seq_to] and the last row the range's completion marker (merchant -1). Rows
        // above the highest marker are an unfinished attempt's: never read, deleted by the next append.
        yield return RollupTable(Activity, "quarter", $"intDiv(seq_to, {SeqPartition})");
        // The hour rollup of the facts' aggregate, kept the same way (its own completion markers: merchant -1 at hour 0), for
        // reports in whole-hour time zones. Partitioned by the month of its hour, not by seq: a merchant's 90 days are a few
        // contiguous ranges in three or four parts instead of a range in each of every seq partition; the markers (hour 0) are a
        // partition of their own, which the watermark's read alone opens.
        yield return RollupTable(ActivityHours, "hour", "toYYYYMM(toDateTime(hour, 'UTC'))");
        // Closing balances of closed days: one INSERT … SELECT per day (one partition, one part); read by day and merchant.
        yield return $"""
            CREATE TABLE IF NOT EXISTS {Balances} (
                day Date, merchant_id Int64, currency String, unit String, account String, balance Int64
            ) ENGINE = MergeTree
            PARTITION BY toYYYYMM(day)
            ORDER BY (day, merchant_id, currency, unit, account)
            SETTINGS index_granularity = {IndexGranularity}
            """;
        yield return $"""
            CREATE TABLE IF NOT EXISTS {BalanceDays} (day Date) ENGINE = MergeTree ORDER BY day
            """;
    }

    /// <summary>A table of the facts summed per <paramref name="period"/> (its start, unix seconds), tagged with seq ranges.</summary>
    private static string RollupTable(string table, string period, string partition) => $"""
        CREATE TABLE IF NOT EXISTS {table} (
            seq_from Int64, seq_to Int64, merchant_id Int64, template_id Int64, {period} Int64, currency String, movement String,
            channel String, status Nullable(String), facts Int64, coupons Int64, discount Int64, platform_part Int64,
            merchant_part Int64, order_amount Int64
        ) ENGINE = MergeTree
        PARTITION BY {partition}
        ORDER BY (merchant_id, {period}, template_id)
        SETTINGS index_granularity = {IndexGranularity}
        """;
}
