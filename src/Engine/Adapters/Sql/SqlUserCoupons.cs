using Dapper;
using PromotionEngine.Engine.Coupons;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Adapters.Sql;

/// <summary>User coupons in en_user_coupons, clustered by (user_id, id) so a wallet is one range read.</summary>
internal sealed class SqlUserCoupons(IDatabase db) : IUserCoupons
{
    private const string Columns =
        "id, user_id, template_id, merchant_id, status, claimed_at, valid_from, valid_until, order_id, locked_until, consumed_at, updated_at, " +
        "version";

    private static readonly string[] ColumnList = Columns.Split(", ");

    public async Task<UserCoupon?> FindAsync(UserCouponId id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<CouponRow>(new CommandDefinition(
            $"SELECT {Columns} FROM en_user_coupons WHERE id = @Id", new { Id = id.Value }, cancellationToken: ct));
        return row?.ToCoupon();
    }

    public async Task<IReadOnlyList<UserCoupon>> GetAsync(UserId user, IReadOnlyCollection<UserCouponId> ids, WriteScope scope, CancellationToken ct)
    {
        var rows = await scope.Connection.QueryAsync<CouponRow>(new CommandDefinition(
            $"SELECT {Columns} FROM en_user_coupons WHERE user_id = @User AND id IN @Ids ORDER BY id",
            new { User = user.Value, Ids = ids.Select(i => i.Value).ToArray() }, scope.Transaction, cancellationToken: ct));
        return rows.Select(r => r.ToCoupon()).ToList();
    }

    public Task AddAsync(UserCoupon coupon, WriteScope scope, CancellationToken ct) =>
        scope.Connection.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO en_user_coupons ({Columns}) VALUES (@Id, @UserId, @TemplateId, @MerchantId, @Status, @ClaimedAt, @ValidFrom, " +
            "@ValidUntil, @OrderId, @LockedUntil, @ConsumedAt, @UpdatedAt, @Version)",
            CouponRow.From(coupon), scope.Transaction, cancellationToken: ct));

    public async Task AddAllAsync(IReadOnlyList<UserCoupon> batch, WriteScope scope, CancellationToken ct)
    {
        foreach (var sql in InsertStatements(batch))
            await scope.Connection.ExecuteAsync(new CommandDefinition(sql, transaction: scope.Transaction, cancellationToken: ct));
    }

    /// <summary>
    /// The multi-row INSERTs of new coupons (the group commit sends them in its batch). Every value is a number or a status name:
    /// literals, not parameters, so a row costs one string instead of nine bound parameters (the claim hot path's main write).
    /// </summary>
    public static IEnumerable<string> InsertStatements(IReadOnlyList<UserCoupon> batch)
    {
        foreach (var part in batch.Chunk(SqlCouponDistribution.RowsPerStatement))
        {
            var sql = new System.Text.StringBuilder($"INSERT INTO en_user_coupons ({Columns}) VALUES ", part.Length * 120);
            for (var i = 0; i < part.Length; i++)
            {
                var row = CouponRow.From(part[i]);
                sql.Append(i == 0 ? "(" : ", (").AppendJoin(", ", row.Id, row.UserId, row.TemplateId, row.MerchantId)
                    .Append(", '").Append(row.Status).Append("', ").AppendJoin(", ", row.ClaimedAt, row.ValidFrom, row.ValidUntil)
                    .Append(", NULL, NULL, NULL, ").Append(row.UpdatedAt).Append(", 0)");
            }
            yield return sql.ToString();
        }
    }

    public async Task AddManyAsync(IReadOnlyList<UserCoupon> batch, WriteScope scope, CancellationToken ct)
    {
        var rows = batch.Select(c => CouponRow.From(c)).Select(r => new object?[]
            {
                r.Id, r.UserId, r.TemplateId, r.MerchantId, r.Status, r.ClaimedAt, r.ValidFrom, r.ValidUntil, null, null, null, r.UpdatedAt, 0,
            }).ToList();
        var inserted = await db.BulkInsertAsync(new BulkRows("en_user_coupons", ColumnList, rows), scope, ct);
        // Ids are new: a shortfall is a bug, and the caller's transaction is rolled back with nothing half-written.
        if (inserted != rows.Count) throw new InvalidOperationException($"{rows.Count - inserted} of {rows.Count} new coupons were already stored.");
    }

    public async Task SaveAsync(UserCoupon coupon, WriteScope scope, CancellationToken ct)
    {
        if (!await TrySaveAsync(coupon, scope, ct)) throw new ConcurrencyConflictException($"Coupon {coupon.Id}");
    }

    public async Task<bool> TrySaveAsync(UserCoupon coupon, WriteScope scope, CancellationToken ct) =>
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE en_user_coupons SET status = @Status, order_id = @OrderId, locked_until = @LockedUntil, consumed_at = @ConsumedAt, " +
            "updated_at = @UpdatedAt, version = version + 1 WHERE user_id = @UserId AND id = @Id AND version = @Version",
            CouponRow.From(coupon), scope.Transaction, cancellationToken: ct)) == 1;

    public async Task<IReadOnlyList<UserCoupon>> ListUnspentAsync(UserId user, DateTimeOffset endedSince, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<CouponRow>(new CommandDefinition(
            $"SELECT {Columns} FROM en_user_coupons WHERE user_id = @User AND status <> 'CONSUMED' AND valid_until > @Since " +
            "ORDER BY valid_until, id LIMIT @Limit",
            new { User = user.Value, Since = UtcMillis.From(endedSince), Limit = limit }, cancellationToken: ct));
        return rows.Select(r => r.ToCoupon()).ToList();
    }

    public async Task<IReadOnlyList<UserCoupon>> ListAsync(
        UserId user, CouponStatus? status, long? after, int limit, DateTimeOffset now, CancellationToken ct)
    {
        // The filter follows UserCoupon.StatusAt: what the clock decided counts even before the sweep stored it.
        var filter = status switch
        {
            CouponStatus.Available => " AND ((status = 'AVAILABLE' AND valid_until > @Now) " +
                "OR (status = 'LOCKED' AND locked_until <= @Now AND valid_until > @Now))",
            CouponStatus.Locked => " AND status = 'LOCKED' AND locked_until > @Now",
            CouponStatus.Consumed => " AND status = 'CONSUMED'",
            CouponStatus.Expired => " AND (status = 'EXPIRED' OR (status = 'AVAILABLE' AND valid_until <= @Now) " +
                "OR (status = 'LOCKED' AND locked_until <= @Now AND valid_until <= @Now))",
            _ => "",
        };
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<CouponRow>(new CommandDefinition(
            $"SELECT {Columns} FROM en_user_coupons WHERE user_id = @User{(after is null ? "" : " AND id < @After")}{filter} " +
            "ORDER BY id DESC LIMIT @Limit",
            new { User = user.Value, After = after, Now = UtcMillis.From(now), Limit = limit }, cancellationToken: ct));
        return rows.Select(r => r.ToCoupon()).ToList();
    }

    public async Task<IReadOnlyList<UserCoupon>> FindOvertakenAsync(DateTimeOffset now, int limit, CancellationToken ct)
    {
        // Two index range reads, (status, locked_until) and (status, valid_until), each bounded.
        await using var connection = await db.OpenAsync(ct);
        var found = new List<UserCoupon>();
        foreach (var sql in new[]
        {
            $"SELECT {Columns} FROM en_user_coupons WHERE status = 'LOCKED' AND locked_until <= @Now ORDER BY locked_until LIMIT @Limit",
            $"SELECT {Columns} FROM en_user_coupons WHERE status = 'AVAILABLE' AND valid_until <= @Now ORDER BY valid_until LIMIT @Limit",
        })
        {
            var rows = await connection.QueryAsync<CouponRow>(
                new CommandDefinition(sql, new { Now = UtcMillis.From(now), Limit = limit - found.Count }, cancellationToken: ct));
            found.AddRange(rows.Select(r => r.ToCoupon()));
            if (found.Count >= limit) break;
        }
        return found;
    }

    private sealed class CouponRow
    {
        public long Id { get; init; }
        public long UserId { get; init; }
        public long TemplateId { get; init; }
        public long MerchantId { get; init; }
        public string Status { get; init; } = "";
        public long ClaimedAt { get; init; }
        public long ValidFrom { get; init; }
        public long ValidUntil { get; init; }
        public string? OrderId { get; init; }
        public long? LockedUntil { get; init; }
        public long? ConsumedAt { get; init; }
        public long UpdatedAt { get; init; }
        public int Version { get; init; }

        public static CouponRow From(UserCoupon c) => new()
        {
            Id = c.Id.Value,
            UserId = c.User.Value,
            TemplateId = c.Template.Value,
            MerchantId = c.Merchant.Value,
            Status = CouponStatusNames.Of(c.Status),
            ClaimedAt = UtcMillis.From(c.ClaimedAt),
            ValidFrom = UtcMillis.From(c.ValidFrom),
            ValidUntil = UtcMillis.From(c.ValidUntil),
            OrderId = c.Order?.Value,
            LockedUntil = UtcMillis.From(c.LockedUntil),
            ConsumedAt = UtcMillis.From(c.ConsumedAt),
            UpdatedAt = UtcMillis.From(c.UpdatedAt),
            Version = c.Version,
        };

        public UserCoupon ToCoupon() => UserCoupon.Restore(new UserCouponId(Id), new UserId(UserId), new TemplateId(TemplateId),
            new MerchantId(MerchantId), CouponStatusNames.Parse(Status), UtcMillis.ToTime(ClaimedAt), UtcMillis.ToTime(ValidFrom),
            UtcMillis.ToTime(ValidUntil), OrderId is null ? null : new OrderId(OrderId), UtcMillis.ToTime(LockedUntil),
            UtcMillis.ToTime(ConsumedAt), UtcMillis.ToTime(UpdatedAt), Version);
    }
}
