using System.Globalization;
using System.Text;
using Dapper;
using PromotionEngine.Clearing.Days;
using PromotionEngine.Clearing.Facts;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Clearing.Journal;

/// <summary>How far the journal goes: its last seq, and when the oldest row after a watermark was written (null: none is).</summary>
internal sealed record JournalHead(long Seq, DateTimeOffset? OldestPendingAt);

/// <summary>
/// The clearing journal (clr_journal): facts in the order they were derived, numbered by seq. Written in the event's inbox
/// transaction after the calendar's lock (<see cref="ClearingDays"/>), so rows commit in seq order and a reader that goes on
/// after the last seq it saw never misses one; read by the ingestion in seq order.
/// </summary>
internal sealed class ClearingJournal(IDatabase db, ClearingDays days, TimeProvider clock)
{
    private const string Columns =
        "event_id, line, movement, occurred_at, posting_day, original_day, merchant_id, template_id, scope, currency, funding, "
        + "platform_share_bps, channel, channel_id, user_coupon_id, user_id, order_id, status, coupons, discount, platform_part, "
        + "merchant_part, order_amount, order_line, sku";

    /// <summary>Locks the calendar, moves each fact's posting day past closed days and appends the facts in <paramref name="scope"/>.</summary>
    public async Task AppendAsync(IReadOnlyList<ClearingFact> facts, WriteScope scope, CancellationToken ct)
    {
        if (facts.Count == 0) return;
        await AppendAsync(facts, await days.LockForPostingAsync(scope, ct), scope, ct);
    }

    /// <summary>
    /// Appends the facts in order, posting days resolved by <paramref name="calendar"/> (the calendar's lock already taken in
    /// <paramref name="scope"/>), in as few multi-row inserts as the statement's size allows.
    /// </summary>
    public async Task AppendAsync(IReadOnlyList<ClearingFact> facts, PostingCalendar calendar, WriteScope scope, CancellationToken ct)
    {
        var journaledAt = UtcMillis.From(clock.GetUtcNow());
        foreach (var chunk in facts.Chunk(db.Dialect == SqlDialect.Sqlite ? RowsPerInsertOnSqlite : RowsPerInsert))
        {
            var sql = new StringBuilder($"INSERT INTO clr_journal ({Columns}, journaled_at) VALUES ");
            var args = new DynamicParameters(new { JournaledAt = journaledAt });
            for (var i = 0; i < chunk.Length; i++)
            {
                var values = Values(chunk[i], calendar);
                sql.Append(i == 0 ? "(" : ", (");
                for (var c = 0; c < values.Length; c++)
                {
                    var name = string.Create(CultureInfo.InvariantCulture, $"p{i}_{c}");
                    sql.Append('@').Append(name).Append(", ");
                    args.Add(name, values[c]);
                }
                sql.Append("@JournaledAt)");
            }
            await scope.Connection.ExecuteAsync(new CommandDefinition(sql.ToString(), args, scope.Transaction, cancellationToken: ct));
        }
    }

    /// <summary>Rows per insert: 26 parameters each, well under every store's limit on a statement's parameters.</summary>
    private const int RowsPerInsert = 200;

    /// <summary>
    /// Fewer on SQLite: it finds a named parameter by walking the statement's list of names, so binding a statement costs the square
    /// of its parameters. At 200 rows (5,200 parameters) that walk was a third of the engine's CPU on the SQLite claim path
    /// (bench/profile-claims.sh, docs/benchmarks.md); at 8 rows a fact's share of it is about 1/25 as much.
    /// </summary>
    private const int RowsPerInsertOnSqlite = 8;

    /// <summary>A fact's values in the order of <see cref="Columns"/>.</summary>
    private static object?[] Values(ClearingFact fact, PostingCalendar calendar)
    {
        var (posting, original) = calendar.PostingDayOf(DayNumbers.UtcDay(fact.OccurredAt));
        return
        [
            fact.EventId.ToString(), fact.Line, fact.Movement, UtcMillis.From(fact.OccurredAt), DayNumbers.Of(posting),
            original is { } o ? DayNumbers.Of(o) : null, fact.MerchantId, fact.TemplateId, fact.Scope, fact.Currency, fact.Funding,
            fact.PlatformShareBps, fact.Channel, fact.ChannelId, fact.UserCouponId, fact.UserId, fact.OrderId, fact.Status, fact.Coupons,
            fact.Discount, fact.PlatformPart, fact.MerchantPart, fact.OrderAmount, fact.OrderLine, fact.Sku,
        ];
    }

    /// <summary>At most <paramref name="limit"/> facts after seq <paramref name="after"/>, in seq order.</summary>
    public async Task<IReadOnlyList<ClearingFact>> ReadAsync(long after, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT seq, {Columns} FROM clr_journal WHERE seq > @After ORDER BY seq LIMIT @Limit", new { After = after, Limit = limit },
            cancellationToken: ct));
        return [.. rows.Select(r => r.ToFact())];
    }

    /// <summary>The last seq, and when the first row after <paramref name="watermark"/> was written (for the lag).</summary>
    public async Task<JournalHead> HeadAsync(long watermark, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var head = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT MAX(seq) FROM clr_journal", cancellationToken: ct)) ?? 0;
        var oldest = head > watermark
            ? await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                "SELECT journaled_at FROM clr_journal WHERE seq > @After ORDER BY seq LIMIT 1", new { After = watermark }, cancellationToken: ct))
            : null;
        return new JournalHead(head, UtcMillis.ToTime(oldest));
    }

    /// <summary>Column names as Dapper maps them (underscores matched).</summary>
    private sealed class Row
    {
        public long Seq { get; init; }
        public string EventId { get; init; } = "";
        public int Line { get; init; }
        public string Movement { get; init; } = "";
        public long OccurredAt { get; init; }
        public int PostingDay { get; init; }
        public int? OriginalDay { get; init; }
        public long MerchantId { get; init; }
        public long TemplateId { get; init; }
        public string Scope { get; init; } = "";
        public string Currency { get; init; } = "";
        public string Funding { get; init; } = "";
        public int PlatformShareBps { get; init; }
        public string Channel { get; init; } = "";
        public string? ChannelId { get; init; }
        public long? UserCouponId { get; init; }
        public long? UserId { get; init; }
        public string? OrderId { get; init; }
        public string? Status { get; init; }
        public int Coupons { get; init; }
        public long Discount { get; init; }
        public long PlatformPart { get; init; }
        public long MerchantPart { get; init; }
        public long OrderAmount { get; init; }
        public int? OrderLine { get; init; }
        public string? Sku { get; init; }

        public ClearingFact ToFact() => new(Seq, Guid.Parse(EventId), Line, Movement, UtcMillis.ToTime(OccurredAt), DayNumbers.From(PostingDay),
            DayNumbers.From(OriginalDay), MerchantId, TemplateId, Scope, Currency, Funding, PlatformShareBps, Channel, ChannelId, UserCouponId,
            UserId, OrderId, Status, Coupons, Discount, PlatformPart, MerchantPart, OrderAmount, OrderLine, Sku);
    }
}
