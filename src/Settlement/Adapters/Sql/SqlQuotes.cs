using System.Data.Common;
using System.Globalization;
using Dapper;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Settlement.Quotes;

namespace PromotionEngine.Settlement.Adapters.Sql;

internal sealed class SqlQuotes(IDatabase db) : IQuotes
{
    private const string Columns = "id, user_id, input_hash, coupon_ids, expires_at, created_at, response, pinned, owner";

    public async Task<StoredQuote?> FindLiveAsync(UserId user, string inputHash, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QueryFirstOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM st_quotes WHERE user_id = @User AND input_hash = @Hash AND expires_at > @Now ORDER BY expires_at DESC LIMIT 1",
            new { User = user.Value, Hash = inputHash, Now = UtcMillis.From(now) }, cancellationToken: ct));
        return row?.ToQuote();
    }

    public async Task<StoredQuote?> FindAsync(string id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM st_quotes WHERE id = @Id", new { Id = id }, cancellationToken: ct));
        return row?.ToQuote();
    }

    public async Task<StoredQuote> AddAsync(StoredQuote quote, CancellationToken ct)
    {
        try
        {
            // A quote is derived from its input again at will: stored without waiting for the disk where the store
            // allows it (a power failure may cost a re-quote, never a different answer).
            await using (var scope = await db.BeginRelaxedWriteAsync(ct))
            {
                await scope.Connection.ExecuteAsync(new CommandDefinition(
                    $"INSERT INTO st_quotes ({Columns}) " +
                    "VALUES (@Id, @UserId, @InputHash, @CouponIds, @ExpiresAt, @CreatedAt, @Response, @Pinned, @Owner)",
                    new
                    {
                        quote.Id,
                        UserId = quote.User.Value,
                        quote.InputHash,
                        CouponIds = string.Join(',', quote.Coupons.Select(c => c.Value)),
                        ExpiresAt = UtcMillis.From(quote.ExpiresAt),
                        CreatedAt = UtcMillis.From(quote.CreatedAt),
                        Response = quote.ResponseJson,
                        Pinned = quote.PinnedJson,
                        quote.Owner,
                    }, scope.Transaction, cancellationToken: ct));
                await scope.CommitAsync(ct);
            }
            return quote;
        }
        catch (DbException e) when (db.IsUniqueViolation(e))
        {
            return await FindAsync(quote.Id, ct) ?? throw new InvalidOperationException($"Quote {quote.Id} vanished.");
        }
    }

    private sealed class Row
    {
        public string Id { get; init; } = "";
        public long UserId { get; init; }
        public string InputHash { get; init; } = "";
        public string CouponIds { get; init; } = "";
        public long ExpiresAt { get; init; }
        public long CreatedAt { get; init; }
        public string Response { get; init; } = "";
        public string Pinned { get; init; } = "";
        public string? Owner { get; init; }

        public StoredQuote ToQuote() => new(Id, new UserId(UserId), InputHash,
            CouponIds.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(c => new UserCouponId(long.Parse(c, CultureInfo.InvariantCulture)))
                .ToList(),
            UtcMillis.ToTime(ExpiresAt), UtcMillis.ToTime(CreatedAt), Response, Pinned, Owner);
    }
}
