using System.Globalization;
using System.Runtime.CompilerServices;
using Dapper;
using PromotionEngine.Contracts.Engine;
using PromotionEngine.Engine.Audiences;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Adapters.Sql;

/// <summary>
/// Audiences in en_audiences, members in en_audience_members (primary key (audience_id, user_id): the claim gate's probe, and
/// the exposure's per audience). A member
/// counts only while the audience is the merchant's: a template of one merchant never reaches another's audience.
/// </summary>
internal sealed class SqlAudiences(IDatabase db) : IAudiences, IAudienceMembership
{
    private const string Columns = "id, merchant_id, name, members, created_at, updated_at, excludes";

    // The member row and the audience's owner: two primary-key probes.
    private const string MemberOfMerchant =
        "FROM en_audience_members m JOIN en_audiences a ON a.id = m.audience_id WHERE m.audience_id = @Audience AND a.merchant_id = @Merchant";

    public Task AddAsync(Audience audience, WriteScope scope, CancellationToken ct) =>
        scope.Connection.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO en_audiences ({Columns}, version) VALUES (@Id, @MerchantId, @Name, @Members, @CreatedAt, @UpdatedAt, @Excludes, 0)",
            Row.From(audience), scope.Transaction, cancellationToken: ct));

    public async Task<Audience?> FindAsync(AudienceId id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM en_audiences WHERE id = @Id", new { Id = id.Value }, cancellationToken: ct)))?.ToAudience();
    }

    public async Task<IReadOnlyList<Audience>> ListAsync(MerchantId merchant, long? after, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM en_audiences WHERE merchant_id = @Merchant{(after is null ? "" : " AND id < @After")} ORDER BY id DESC LIMIT @Limit",
            new { Merchant = merchant.Value, After = after, Limit = limit }, cancellationToken: ct));
        return rows.Select(r => r.ToAudience()).ToList();
    }

    public async Task<MembersChange?> ChangeMembersAsync(
        AudienceId id, IReadOnlyList<long> add, IReadOnlyList<long> remove, DateTimeOffset now, WriteScope scope, CancellationToken ct)
    {
        // The audience's row is updated last: concurrent changes of one audience write their members side by side and queue
        // only for the count. Each counts the rows it inserted or deleted itself (a row another change holds is waited for,
        // then found there or gone), so the sum stays exact.
        if (await scope.Connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM en_audiences WHERE id = @Id", new { Id = id.Value }, scope.Transaction, cancellationToken: ct)) == 0)
            return null;
        var added = add.Count == 0 ? 0 : await db.BulkInsertAsync(
            new BulkRows("en_audience_members", ["audience_id", "user_id"], add.Select(u => new object?[] { id.Value, u }).ToList()), scope, ct);
        var removed = remove.Count == 0 ? 0 : await scope.Connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM en_audience_members WHERE audience_id = @Id AND user_id IN @Users",
            new { Id = id.Value, Users = remove.ToArray() }, scope.Transaction, cancellationToken: ct));
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE en_audiences SET members = members + @Delta, updated_at = @Now, version = version + 1 WHERE id = @Id",
            new { Id = id.Value, Delta = added - removed, Now = UtcMillis.From(now) }, scope.Transaction, cancellationToken: ct));
        var members = await scope.Connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT members FROM en_audiences WHERE id = @Id", new { Id = id.Value }, scope.Transaction, cancellationToken: ct));
        return new MembersChange(added, removed, members);
    }

    public async Task<bool> IsMemberAsync(AudienceId id, MerchantId merchant, UserId user, WriteScope scope, CancellationToken ct) =>
        IsIn(await scope.Connection.QuerySingleOrDefaultAsync<Probe>(new CommandDefinition(
            ProbeSql, new { Audience = id.Value, Merchant = merchant.Value, User = user.Value }, scope.Transaction, cancellationToken: ct)));

    public async Task<bool> IsMemberAsync(AudienceId id, MerchantId merchant, UserId user, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return IsIn(await connection.QuerySingleOrDefaultAsync<Probe>(new CommandDefinition(
            ProbeSql, new { Audience = id.Value, Merchant = merchant.Value, User = user.Value }, cancellationToken: ct)));
    }

    // The audience's row (is it the merchant's, does it hold whom it leaves out) and the member row: two primary-key probes.
    private const string ProbeSql = "SELECT a.excludes AS Excludes, (SELECT COUNT(*) FROM en_audience_members m WHERE m.audience_id = a.id "
        + "AND m.user_id = @User) AS Held FROM en_audiences a WHERE a.id = @Audience AND a.merchant_id = @Merchant";

    private static bool IsIn(Probe? probe) => probe is not null && (probe.Held > 0) != (probe.Excludes != 0);

    private sealed class Probe
    {
        public long Excludes { get; init; }
        public long Held { get; init; }
    }

    /// <summary>
    /// The group commit's audience re-check as one SELECT for its final check (<see cref="SqlClaimLedger"/>): how many of
    /// <paramref name="users"/> (distinct) the audience does not take in, every one of them when it is not the merchant's.
    /// Ids are numbers written into the text, never the caller's text.
    /// </summary>
    internal static string StrangersAmongSql(AudienceId id, MerchantId merchant, IReadOnlyCollection<long> users)
    {
        var audience = id.Value.ToString(CultureInfo.InvariantCulture);
        var held = $"(SELECT COUNT(*) FROM en_audience_members m WHERE m.audience_id = {audience} AND m.user_id IN "
            + $"({string.Join(", ", users.Select(u => u.ToString(CultureInfo.InvariantCulture)))}))";
        return $"SELECT COALESCE((SELECT CASE WHEN a.excludes = 0 THEN {users.Count.ToString(CultureInfo.InvariantCulture)} - {held} "
            + $"ELSE {held} END FROM en_audiences a WHERE a.id = {audience} "
            + $"AND a.merchant_id = {merchant.Value.ToString(CultureInfo.InvariantCulture)}), {users.Count.ToString(CultureInfo.InvariantCulture)})";
    }

    public async IAsyncEnumerable<long> MembersAsync(AudienceId id, MerchantId merchant, [EnumeratorCancellation] CancellationToken ct)
    {
        const int page = 10_000;
        long after = 0;
        await using var connection = await db.OpenAsync(ct);
        while (true)
        {
            // Keyset pages over the primary key: no long-lived cursor, each page one range read.
            var users = (await connection.QueryAsync<long>(new CommandDefinition(
                $"SELECT m.user_id {MemberOfMerchant} AND m.user_id > @After ORDER BY m.user_id LIMIT {page}",
                new { Audience = id.Value, Merchant = merchant.Value, After = after }, cancellationToken: ct))).AsList();
            foreach (var user in users) yield return user;
            if (users.Count < page) yield break;
            after = users[^1];
        }
    }

    public async Task<MerchantId?> OwnerOfAsync(AudienceId audience, CancellationToken ct) =>
        await FindAsync(audience, ct) is { } found ? found.Merchant : null;

    public async Task<IReadOnlySet<AudienceId>> MemberOfAsync(UserId user, IReadOnlyCollection<AudienceId> audiences, CancellationToken ct)
    {
        if (audiences.Count == 0) return new HashSet<AudienceId>();
        await using var connection = await db.OpenAsync(ct);
        // Two primary-key probes per audience: its row (does it hold whom it leaves out) and the user's member row.
        var rows = await connection.QueryAsync<MemberRow>(new CommandDefinition(
            "SELECT a.id AS Id, a.excludes AS Excludes, (SELECT COUNT(*) FROM en_audience_members m WHERE m.audience_id = a.id AND m.user_id = @User) AS Held "
            + "FROM en_audiences a WHERE a.id IN @Ids",
            new { User = user.Value, Ids = audiences.Select(a => a.Value).ToArray() }, cancellationToken: ct));
        return rows.Where(r => (r.Held > 0) != (r.Excludes != 0)).Select(r => new AudienceId(r.Id)).ToHashSet();
    }

    private sealed class MemberRow
    {
        public long Id { get; init; }
        public long Excludes { get; init; }
        public long Held { get; init; }
    }

    private sealed class Row
    {
        public long Id { get; init; }
        public long MerchantId { get; init; }
        public string Name { get; init; } = "";
        public long Members { get; init; }
        public long CreatedAt { get; init; }
        public long UpdatedAt { get; init; }
        public long Excludes { get; init; }

        public static Row From(Audience a) => new()
        {
            Id = a.Id.Value, MerchantId = a.Merchant.Value, Name = a.Name, Members = a.Members,
            CreatedAt = UtcMillis.From(a.CreatedAt), UpdatedAt = UtcMillis.From(a.UpdatedAt), Excludes = a.Excludes ? 1 : 0,
        };

        public Audience ToAudience() =>
            new(new AudienceId(Id), new MerchantId(MerchantId), Name, Members, UtcMillis.ToTime(CreatedAt), UtcMillis.ToTime(UpdatedAt),
                Excludes != 0);
    }
}
