using DuckDB.NET.Data;

namespace PromotionEngine.Clearing.Store.DuckDb;

/// <summary>
/// Closed days' balances on DuckDB: a day's closing balances per merchant, currency, unit and account, recorded once the day is
/// closed and its entries are stored, so a statement's opening balance reads the last closed day's balances and the few days of
/// entries after it instead of every entry before its day.
/// </summary>
internal sealed partial class DuckDbAnalyticStore
{
    private static string[] BalanceSchema =>
    [
        "CREATE TABLE IF NOT EXISTS clr_balances (day DATE NOT NULL, merchant_id BIGINT NOT NULL, currency VARCHAR NOT NULL, "
        + "unit VARCHAR NOT NULL, account VARCHAR NOT NULL, balance BIGINT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS clr_balance_days (day DATE NOT NULL)",
    ];

    public async Task<DateOnly?> BalancesClosedThroughAsync(CancellationToken ct)
    {
        using var connection = Connect();
        return await LastBalanceDayAsync(connection, null, ct);
    }

    public Task CloseBalancesAsync(DateOnly through, CancellationToken ct) => InTransactionAsync(async connection =>
    {
        var previous = await LastBalanceDayAsync(connection, null, ct);
        if (previous >= through) return false;
        // One record per day posted on since the last one, and one of the day closed (posted on or not).
        var days = await QueryAsync(connection, $"""
            SELECT DISTINCT posting_day FROM clr_entries
            WHERE posting_day < $through {(previous is null ? "" : "AND posting_day > $previous")} ORDER BY 1
            """, r => r.GetFieldValue<DateOnly>(0), ct, Bounds(through, previous));
        days.Add(through);
        foreach (var day in days)
        {
            // Rows in merchant order: each day's rows lie together, sorted, so a statement's read skips the rest.
            await ExecuteAsync(connection, $"""
                INSERT INTO clr_balances
                SELECT $through, merchant_id, currency, unit, account, sum(amount)
                FROM ({Since(previous, "<=")})
                GROUP BY merchant_id, currency, unit, account
                ORDER BY merchant_id, currency, unit, account
                """, ct, Bounds(day, previous));
            await ExecuteAsync(connection, "INSERT INTO clr_balance_days VALUES ($day)", ct, ("day", day));
            previous = day;
        }
        await CompactActivityAsync(connection, ct);
        return true;
    }, ct);

    public async Task<IReadOnlyList<AccountAmount>> BalancesBeforeAsync(long? merchantId, DateOnly day, CancellationToken ct)
    {
        using var connection = Connect();
        var closed = await LastBalanceDayAsync(connection, day, ct);
        List<(string, object?)> parameters = [.. Bounds(day, closed)];
        if (merchantId is { } m) parameters.Add(("merchant", m));
        var sql = $"""
            SELECT merchant_id, currency, unit, account, sum(amount)
            FROM ({Since(closed, "<", merchantId is null ? "" : "AND merchant_id = $merchant")})
            GROUP BY merchant_id, currency, unit, account
            ORDER BY merchant_id, currency, unit, account
            """;
        return await QueryAsync(connection, sql, r => new AccountAmount(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), null,
            Long(r, 4)), ct, [.. parameters]);
    }

    /// <summary>
    /// The balances of day $previous (when there is one) and the entries posted after it and before (or through) $through: what
    /// was posted up to there, per account.
    /// </summary>
    private static string Since(DateOnly? previous, string upTo, string filter = "") => previous is null
        ? $"SELECT merchant_id, currency, unit, account, amount FROM clr_entries WHERE posting_day {upTo} $through {filter}"
        : $"""
            SELECT merchant_id, currency, unit, account, balance AS amount FROM clr_balances WHERE day = $previous {filter}
            UNION ALL
            SELECT merchant_id, currency, unit, account, amount FROM clr_entries
            WHERE posting_day > $previous AND posting_day {upTo} $through {filter}
            """;

    private static (string, object?)[] Bounds(DateOnly through, DateOnly? previous) =>
        previous is { } p ? [("through", through), ("previous", p)] : [("through", through)];

    /// <summary>The last day whose balances are recorded (before <paramref name="before"/> when given).</summary>
    private static async Task<DateOnly?> LastBalanceDayAsync(DuckDBConnection connection, DateOnly? before, CancellationToken ct) =>
        (await QueryAsync(connection, $"SELECT max(day) FROM clr_balance_days {(before is null ? "" : "WHERE day < $before")}",
            r => r.IsDBNull(0) ? (DateOnly?)null : r.GetFieldValue<DateOnly>(0), ct, before is { } b ? [("before", b)] : []))[0];
}
