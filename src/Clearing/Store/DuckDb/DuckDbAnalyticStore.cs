using System.Data.Common;
using System.Runtime.CompilerServices;
using DuckDB.NET.Data;
using PromotionEngine.Clearing.Facts;
using PromotionEngine.Clearing.Ledger;

namespace PromotionEngine.Clearing.Store.DuckDb;

/// <summary>
/// The embedded analytic store: one DuckDB file (Clearing:DuckDbPath, in the data folder by default). DuckDB lets one process
/// write a file, so the file is opened once per process and every operation works on a connection of its own to that database (its
/// own transaction). An append writes the facts, the entries and the watermark in one transaction, keeping only
/// the rows after the watermark it finds: a batch appended again, or after a crash (the transaction never committed), is
/// stored exactly once.
/// </summary>
internal sealed partial class DuckDbAnalyticStore : IAnalyticStore, IDisposable
{
    private const string FactColumns =
        "seq, event_id, line, movement, occurred_at, posting_day, original_day, merchant_id, template_id, scope, currency, funding, "
        + "platform_share_bps, channel, channel_id, user_coupon_id, user_id, order_id, status, coupons, discount, platform_part, merchant_part, "
        + "order_amount, order_line, sku";

    private static readonly string[] Schema =
    [
        "CREATE TABLE IF NOT EXISTS clr_facts (seq BIGINT NOT NULL, event_id UUID NOT NULL, line INTEGER NOT NULL, movement VARCHAR NOT NULL, "
        + "occurred_at BIGINT NOT NULL, posting_day DATE NOT NULL, original_day DATE, merchant_id BIGINT NOT NULL, template_id BIGINT NOT NULL, "
        + "scope VARCHAR NOT NULL, currency VARCHAR NOT NULL, funding VARCHAR NOT NULL, platform_share_bps INTEGER NOT NULL, "
        + "channel VARCHAR NOT NULL, channel_id VARCHAR, user_coupon_id BIGINT, user_id BIGINT, order_id VARCHAR, status VARCHAR, "
        + "coupons INTEGER NOT NULL, discount BIGINT NOT NULL, platform_part BIGINT NOT NULL, merchant_part BIGINT NOT NULL, "
        + "order_amount BIGINT NOT NULL, order_line INTEGER, sku VARCHAR)",
        "CREATE TABLE IF NOT EXISTS clr_entries (seq BIGINT NOT NULL, event_id UUID NOT NULL, line INTEGER NOT NULL, leg INTEGER NOT NULL, "
        + "posting_day DATE NOT NULL, original_day DATE, merchant_id BIGINT NOT NULL, currency VARCHAR NOT NULL, unit VARCHAR NOT NULL, "
        + "account VARCHAR NOT NULL, amount BIGINT NOT NULL, template_id BIGINT NOT NULL, occurred_at BIGINT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS clr_watermark (id INTEGER PRIMARY KEY, seq BIGINT NOT NULL)",
        .. AggregateSchema,
        .. BalanceSchema,
    ];

    private readonly string _connectionString;
    private readonly DuckDBConnection _root;
    private readonly SemaphoreSlim _writer = new(1, 1);

    public DuckDbAnalyticStore(string path)
    {
        Path = path;
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        _connectionString = $"Data Source={path}";
        _root = new DuckDBConnection(_connectionString);
        _root.Open();
        // The schema is there before anything reads: the operators' status may ask before the ingester has started.
        foreach (var statement in Schema)
        {
            using var command = _root.CreateCommand();
            command.CommandText = statement;
            command.ExecuteNonQuery();
        }
    }

    public string Name => "duckdb";

    /// <summary>The database file.</summary>
    public string Path { get; }

    public async Task EnsureSchemaAsync(CancellationToken ct)
    {
        using var connection = Connect();
        foreach (var statement in Schema) await ExecuteAsync(connection, statement, ct);
    }

    public async Task<long> WatermarkAsync(CancellationToken ct)
    {
        using var connection = Connect();
        return await WatermarkAsync(connection, ct);
    }

    public Task AppendAsync(FactBatch batch, CancellationToken ct) => InTransactionAsync(async connection =>
    {
        var watermark = await WatermarkAsync(connection, ct);
        if (batch.LastSeq <= watermark) return false;
        WriteFacts(connection, batch.Facts.Where(f => f.Seq > watermark));
        WriteEntries(connection, batch.Entries.Where(e => e.Seq > watermark));
        WriteActivity(connection, batch.Facts.Where(f => f.Seq > watermark));
        await ExecuteAsync(connection,
            "INSERT INTO clr_watermark (id, seq) VALUES (1, $seq) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq", ct,
            ("seq", batch.LastSeq));
        return true;
    }, ct);

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction of its own, one writer at a time in this process (two appends racing would
    /// both read the old watermark): committed when it answers true, rolled back when it answers false or fails.
    /// </summary>
    private async Task InTransactionAsync(Func<DuckDBConnection, Task<bool>> work, CancellationToken ct)
    {
        await _writer.WaitAsync(ct);
        try
        {
            using var connection = Connect();
            await ExecuteAsync(connection, "BEGIN TRANSACTION", ct);
            try
            {
                await ExecuteAsync(connection, await work(connection) ? "COMMIT" : "ROLLBACK", ct);
            }
            catch
            {
                await TryRollbackAsync(connection);
                throw;
            }
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>
    /// What a process killed in the middle of <see cref="AppendAsync"/> leaves: part of the batch written in a transaction that
    /// never commits. For the contract suite's crash case.
    /// </summary>
    internal async Task AbandonAppendAsync(FactBatch batch, CancellationToken ct)
    {
        using var connection = Connect();
        await ExecuteAsync(connection, "BEGIN TRANSACTION", ct);
        WriteFacts(connection, batch.Facts.Take(batch.Facts.Count / 2));
        WriteEntries(connection, batch.Entries.Take(batch.Entries.Count / 2));
        // disposed without COMMIT: the transaction is lost, as it is when the process dies
    }

    public Task ResetAsync(CancellationToken ct) => InTransactionAsync(async connection =>
    {
        await ExecuteAsync(connection, "DELETE FROM clr_facts", ct);
        await ExecuteAsync(connection, "DELETE FROM clr_entries", ct);
        await ExecuteAsync(connection, "DELETE FROM clr_watermark", ct);
        foreach (var table in DerivedTables) await ExecuteAsync(connection, $"DELETE FROM {table}", ct);
        return true;
    }, ct);

    public async Task<FactTotals> TotalsAsync(CancellationToken ct)
    {
        using var connection = Connect();
        var facts = await QueryAsync(connection,
            "SELECT count(*), coalesce(sum(coupons), 0), coalesce(sum(discount), 0) FROM clr_facts",
            r => (r.GetInt64(0), Long(r, 1), Long(r, 2)), ct);
        var entries = await QueryAsync(connection, "SELECT count(*) FROM clr_entries", r => r.GetInt64(0), ct);
        var watermark = await WatermarkAsync(connection, ct);
        return new FactTotals(facts[0].Item1, entries[0], facts[0].Item2, facts[0].Item3, watermark);
    }

    public async Task<IReadOnlyList<TemplateSpend>> TopTemplatesAsync(long merchantId, DateTimeOffset from, DateTimeOffset to, int limit,
        CancellationToken ct)
    {
        using var connection = Connect();
        var sql = $"""
            SELECT template_id, currency,
                   sum(CASE movement WHEN '{Movements.DiscountSpent}' THEN discount
                                     WHEN '{Movements.DiscountReturned}' THEN -discount
                                     WHEN '{Movements.DiscountClawedBack}' THEN -discount ELSE 0 END) AS net,
                   sum(CASE WHEN movement = '{Movements.Consumed}' THEN coupons ELSE 0 END),
                   sum(CASE WHEN movement = '{Movements.DiscountSpent}' THEN order_amount ELSE 0 END)
            FROM clr_facts
            WHERE merchant_id = $merchant AND occurred_at >= $from AND occurred_at < $to
              AND movement IN ('{Movements.DiscountSpent}', '{Movements.DiscountReturned}', '{Movements.DiscountClawedBack}', '{Movements.Consumed}')
            GROUP BY template_id, currency
            QUALIFY row_number() OVER (PARTITION BY currency ORDER BY net DESC, template_id) <= $limit
            ORDER BY net DESC, template_id, currency
            """;
        return await QueryAsync(connection, sql, r => new TemplateSpend(r.GetInt64(0), r.GetString(1), Long(r, 2), Long(r, 3), Long(r, 4)), ct,
            ("merchant", merchantId), ("from", from.ToUnixTimeMilliseconds()), ("to", to.ToUnixTimeMilliseconds()), ("limit", (long)limit));
    }

    public async Task<IReadOnlyList<AccountAmount>> EntriesOnAsync(long? merchantId, DateOnly day, CancellationToken ct)
    {
        using var connection = Connect();
        var sql = $"""
            SELECT merchant_id, currency, unit, account, original_day, sum(amount)
            FROM clr_entries WHERE posting_day = $day {(merchantId is null ? "" : "AND merchant_id = $merchant")}
            GROUP BY merchant_id, currency, unit, account, original_day
            ORDER BY merchant_id, currency, unit, account, original_day NULLS FIRST
            """;
        return await QueryAsync(connection, sql, r => new AccountAmount(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3),
            r.IsDBNull(4) ? null : r.GetFieldValue<DateOnly>(4), Long(r, 5)), ct, Day(day, merchantId));
    }

    public async Task<IReadOnlyList<TrialBalanceRow>> TrialBalanceAsync(DateOnly from, DateOnly to, CancellationToken ct)
    {
        using var connection = Connect();
        const string sql = """
            SELECT merchant_id, posting_day, currency, unit, sum(amount), count(*)
            FROM clr_entries WHERE posting_day BETWEEN $from AND $to
            GROUP BY merchant_id, posting_day, currency, unit
            ORDER BY merchant_id, posting_day, currency, unit
            """;
        return await QueryAsync(connection, sql, r => new TrialBalanceRow(r.GetInt64(0), r.GetFieldValue<DateOnly>(1), r.GetString(2),
            r.GetString(3), Long(r, 4), r.GetInt64(5)), ct, ("from", from), ("to", to));
    }

    public async IAsyncEnumerable<ClearedCoupon> SpentAsync(DateTimeOffset from, DateTimeOffset to, long? merchantId,
        [EnumeratorCancellation] CancellationToken ct)
    {
        using var connection = Connect();
        var sql = $"""
            WITH spent AS (
                SELECT order_id, user_coupon_id, any_value(template_id) AS template_id, any_value(merchant_id) AS merchant_id,
                       any_value(currency) AS currency, sum(discount) AS discount, min(occurred_at) AS paid_at
                FROM clr_facts
                WHERE movement = '{Movements.DiscountSpent}' AND occurred_at >= $from AND occurred_at < $to
                  {(merchantId is null ? "" : "AND merchant_id = $merchant")}
                GROUP BY order_id, user_coupon_id),
            later AS (
                SELECT f.order_id, f.user_coupon_id,
                       sum(CASE WHEN f.movement = '{Movements.DiscountReturned}' THEN f.discount ELSE 0 END) AS returned,
                       sum(CASE WHEN f.movement = '{Movements.DiscountClawedBack}' THEN f.discount ELSE 0 END) AS clawed_back,
                       bool_or(f.movement = '{Movements.Restored}') AS restored
                FROM clr_facts f JOIN spent s ON f.order_id = s.order_id AND f.user_coupon_id = s.user_coupon_id
                WHERE f.movement IN ('{Movements.DiscountReturned}', '{Movements.DiscountClawedBack}', '{Movements.Restored}')
                GROUP BY f.order_id, f.user_coupon_id)
            SELECT s.order_id, s.user_coupon_id, s.template_id, s.merchant_id, s.currency, s.discount, s.paid_at,
                   coalesce(l.returned, 0), coalesce(l.clawed_back, 0), coalesce(l.restored, false)
            FROM spent s LEFT JOIN later l ON l.order_id = s.order_id AND l.user_coupon_id = s.user_coupon_id
            ORDER BY s.order_id, s.user_coupon_id
            """;
        List<(string, object?)> parameters = [("from", from.ToUnixTimeMilliseconds()), ("to", to.ToUnixTimeMilliseconds())];
        if (merchantId is { } m) parameters.Add(("merchant", m));
        await using var command = Command(connection, sql, [.. parameters]);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            yield return new ClearedCoupon(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetString(4),
                Long(reader, 5), DateTimeOffset.FromUnixTimeMilliseconds(Long(reader, 6)), Long(reader, 7), Long(reader, 8), reader.GetBoolean(9));
        }
    }

    public void Dispose()
    {
        _root.Dispose();
        _writer.Dispose();
    }

    /// <summary>
    /// A connection of its own to the file opened by <c>_root</c>: DuckDB.NET shares one database instance among the connections to
    /// one file in a process, and the root connection keeps it open for the store's lifetime.
    /// </summary>
    private DuckDBConnection Connect()
    {
        var connection = new DuckDBConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static void WriteFacts(DuckDBConnection connection, IEnumerable<ClearingFact> facts)
    {
        using var appender = connection.CreateAppender("clr_facts");
        foreach (var f in facts)
        {
            var row = appender.CreateRow();
            row.AppendValue(f.Seq).AppendValue(f.EventId).AppendValue(f.Line).AppendValue(f.Movement)
                .AppendValue(f.OccurredAt.ToUnixTimeMilliseconds())
                .AppendValue(f.PostingDay).AppendValue(f.OriginalDay).AppendValue(f.MerchantId).AppendValue(f.TemplateId).AppendValue(f.Scope)
                .AppendValue(f.Currency).AppendValue(f.Funding).AppendValue(f.PlatformShareBps).AppendValue(f.Channel).AppendValue(f.ChannelId)
                .AppendValue(f.UserCouponId).AppendValue(f.UserId).AppendValue(f.OrderId).AppendValue(f.Status).AppendValue(f.Coupons)
                .AppendValue(f.Discount).AppendValue(f.PlatformPart).AppendValue(f.MerchantPart).AppendValue(f.OrderAmount)
                .AppendValue(f.OrderLine)
                .AppendValue(f.Sku).EndRow();
        }
    }

    private static void WriteEntries(DuckDBConnection connection, IEnumerable<LedgerEntry> entries)
    {
        using var appender = connection.CreateAppender("clr_entries");
        foreach (var e in entries)
        {
            appender.CreateRow().AppendValue(e.Seq).AppendValue(e.EventId).AppendValue(e.Line).AppendValue(e.Leg).AppendValue(e.PostingDay)
                .AppendValue(e.OriginalDay).AppendValue(e.MerchantId).AppendValue(e.Currency).AppendValue(e.Unit).AppendValue(e.Account)
                .AppendValue(e.Amount).AppendValue(e.TemplateId).AppendValue(e.OccurredAt.ToUnixTimeMilliseconds()).EndRow();
        }
    }

    private static async Task<long> WatermarkAsync(DuckDBConnection connection, CancellationToken ct) =>
        (await QueryAsync(connection, "SELECT coalesce(max(seq), 0) FROM clr_watermark", r => r.GetInt64(0), ct))[0];

    private static (string, object?)[] Day(DateOnly day, long? merchantId) =>
        merchantId is { } m ? [("day", day), ("merchant", m)] : [("day", day)];

    /// <summary>Sums come back as HUGEINT (Int128) or DECIMAL; every one here fits a long.</summary>
    private static long Long(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? 0 : reader.GetValue(ordinal) switch
    {
        System.Numerics.BigInteger big => (long)big,
        var other => Convert.ToInt64(other, System.Globalization.CultureInfo.InvariantCulture),
    };

    private static DuckDBCommand Command(DuckDBConnection connection, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.Add(new DuckDBParameter(name, value));
        return command;
    }

    private static async Task ExecuteAsync(DuckDBConnection connection, string sql, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<List<T>> QueryAsync<T>(DuckDBConnection connection, string sql, Func<DbDataReader, T> read, CancellationToken ct,
        params (string, object?)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct)) rows.Add(read(reader));
        return rows;
    }

    private static async Task TryRollbackAsync(DuckDBConnection connection)
    {
        try { await ExecuteAsync(connection, "ROLLBACK", CancellationToken.None); }
        catch (DuckDBException) { /* the transaction is already gone */ }
    }
}
