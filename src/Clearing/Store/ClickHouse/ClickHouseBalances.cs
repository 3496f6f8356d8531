namespace PromotionEngine.Clearing.Store.ClickHouse;

/// <summary>
/// Closed days' balances on ClickHouse: a day's closing balances per merchant, currency, unit and account, recorded once the day
/// is closed and its entries are stored; a statement's opening balance reads the last recorded day before it and the entries
/// posted after that day, not every entry before its day.
/// </summary>
internal sealed partial class ClickHouseAnalyticStore
{
    public async Task<DateOnly?> BalancesClosedThroughAsync(CancellationToken ct)
    {
        // Not max(day): over no rows 18.16 answers 0000-00-00.
        var rows = await client.ListAsync<DayRow>($"SELECT day, toUInt64(1) AS days FROM {schema.BalanceDays} ORDER BY day DESC LIMIT 1", ct);
        return rows.Count == 0 ? null : rows[0].Day;
    }

    /// <summary>
    /// Each day's balances in one INSERT … SELECT (one partition, one block: stored whole or not at all) from the day before's and
    /// the entries between, then the day listed. Idempotent on its own: a day whose balances are stored is listed, not inserted
    /// again; a day is listed only after its balances are stored, so a reader never takes a day without them.
    /// </summary>
    public async Task CloseBalancesAsync(DateOnly through, CancellationToken ct)
    {
        var previous = await BalancesClosedThroughAsync(ct);
        if (previous >= through) return;
        var days = (await client.ListAsync<DayRow>($"""
            SELECT DISTINCT posting_day AS day, toUInt64(1) AS days FROM {schema.Entries}
            WHERE posting_day < {ClickHouseSql.Day(through)} {(previous is { } p ? $"AND posting_day > {ClickHouseSql.Day(p)}" : "")}
            ORDER BY day
            """, ct)).Select(r => r.Day).Append(through).ToList();
        foreach (var day in days)
        {
            var stored = await client.ListAsync<CountRow>($"SELECT count() AS rows FROM {schema.Balances} WHERE day = {ClickHouseSql.Day(day)}", ct);
            if (stored[0].Rows == 0)
            {
                await client.ExecuteAsync($"""
                    INSERT INTO {schema.Balances} (day, merchant_id, currency, unit, account, balance)
                    SELECT {ClickHouseSql.Day(day)}, merchant_id, currency, unit, account, sum(amount)
                    FROM ({Since(previous, day, "<=", "")})
                    GROUP BY merchant_id, currency, unit, account
                    """, ct);
            }
            await client.InsertAsync(schema.BalanceDays, "day", w => w.Day(day).EndRow(), ct);
            previous = day;
        }
    }

    /// <summary>
    /// The last recorded day before <paramref name="day"/> (a scalar subquery: ClickHouse folds it into a constant before it reads
    /// the index; no day: 0000-00-00, the Date before every other), its balances and the entries posted after it and before the day.
    /// </summary>
    public async Task<IReadOnlyList<AccountAmount>> BalancesBeforeAsync(long? merchantId, DateOnly day, CancellationToken ct)
    {
        var closed = $"(SELECT max(day) FROM {schema.BalanceDays} WHERE day < {ClickHouseSql.Day(day)})";
        var rows = await client.ListAsync<AccountRow>($"""
            SELECT merchant_id, currency, unit, account, sum(amount) AS amount
            FROM ({Since(closed, day, "<", MerchantFilter(merchantId))})
            GROUP BY merchant_id, currency, unit, account
            ORDER BY merchant_id, currency, unit, account
            """, ct);
        return rows.Select(r => new AccountAmount(r.MerchantId, r.Currency, r.Unit, r.Account, null, r.Amount)).ToList();
    }

    /// <summary>
    /// The balances before the day and the entries on it in one query, one round trip: the two reads of
    /// <see cref="BalancesBeforeAsync"/> and <see cref="EntriesOnAsync"/> as the two parts of a UNION ALL, told apart by a column.
    /// </summary>
    public async Task<DayLedger> DayLedgerAsync(long? merchantId, DateOnly day, CancellationToken ct)
    {
        var closed = $"(SELECT max(day) FROM {schema.BalanceDays} WHERE day < {ClickHouseSql.Day(day)})";
        var filter = MerchantFilter(merchantId);
        var rows = await client.ListAsync<LedgerRow>($"""
            SELECT part, merchant_id, currency, unit, account, original_day, amount FROM (
                SELECT 'before' AS part, merchant_id, currency, unit, account, CAST(NULL AS Nullable(Date)) AS original_day,
                    sum(amount) AS amount
                FROM ({Since(closed, day, "<", filter)})
                GROUP BY merchant_id, currency, unit, account
                UNION ALL
                SELECT 'on' AS part, merchant_id, currency, unit, account, original_day, sum(amount) AS amount
                FROM {schema.Entries}
                WHERE posting_day = {ClickHouseSql.Day(day)} {filter}
                GROUP BY merchant_id, currency, unit, account, original_day
            )
            ORDER BY part, merchant_id, currency, unit, account, original_day NULLS FIRST
            """, ct);
        AccountAmount Amount(LedgerRow r) => new(r.MerchantId, r.Currency, r.Unit, r.Account, r.OriginalDay, r.Amount);
        return new DayLedger(rows.Where(r => r.Part == "before").Select(Amount).ToList(), rows.Where(r => r.Part == "on").Select(Amount).ToList());
    }

    private string Since(DateOnly? previous, DateOnly through, string upTo, string filter) =>
        previous is { } p ? Since(ClickHouseSql.Day(p), through, upTo, filter)
            : $"SELECT merchant_id, currency, unit, account, amount FROM {schema.Entries} " +
              $"WHERE posting_day {upTo} {ClickHouseSql.Day(through)} {filter}";

    /// <summary>The balances of day <paramref name="previous"/> (an expression) and the entries after it up to <paramref name="through"/>.</summary>
    private string Since(string previous, DateOnly through, string upTo, string filter) => $"""
        SELECT merchant_id, currency, unit, account, balance AS amount FROM {schema.Balances} WHERE day = {previous} {filter}
        UNION ALL
        SELECT merchant_id, currency, unit, account, amount FROM {schema.Entries}
        WHERE posting_day > {previous} AND posting_day {upTo} {ClickHouseSql.Day(through)} {filter}
        """;

    private sealed record LedgerRow(
        string Part, long MerchantId, string Currency, string Unit, string Account, DateOnly? OriginalDay, long Amount);
    private sealed record DayRow(DateOnly Day, long Days);
    private sealed record CountRow(long Rows);
}
