using Dapper;
using PromotionEngine.Engine.Audiences;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Adapters.Sql;

/// <summary>
/// Rules in en_audience_rules; the facts they read: en_audience_facts (fed by events, primary key (merchant_id, user_id, kind,
/// ref), index (merchant_id, kind, at)) and the engine's own claims per user and template (en_user_template_claims, indexed by
/// (template_id, user_id)). Every rule's held set is one SELECT of user ids, so one query shape serves a single user (an event),
/// the users a rule newly names and the users it no longer names (the sweep), on SQLite and MySQL alike.
/// </summary>
internal sealed class SqlAudienceRules(IDatabase db) : IAudienceRules
{
    private const string Columns = "audience_id, merchant_id, kind, template_id, days, min_orders, evaluated_at";

    public Task AddAsync(AudienceRule rule, WriteScope scope, CancellationToken ct) =>
        scope.Connection.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO en_audience_rules ({Columns}) VALUES (@AudienceId, @MerchantId, @Kind, @TemplateId, @Days, @MinOrders, NULL)",
            Row.From(rule), scope.Transaction, cancellationToken: ct));

    public async Task<AudienceRule?> FindAsync(AudienceId audience, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM en_audience_rules WHERE audience_id = @Id", new { Id = audience.Value }, cancellationToken: ct)))?.ToRule();
    }

    public async Task<IReadOnlyList<AudienceRule>> AllAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM en_audience_rules ORDER BY audience_id", cancellationToken: ct))).Select(r => r.ToRule()).ToList();
    }

    public async Task<IReadOnlyList<AudienceRule>> OfMerchantAsync(
        MerchantId merchant, IReadOnlyList<string> kinds, WriteScope scope, CancellationToken ct) =>
        (await scope.Connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM en_audience_rules WHERE merchant_id = @Merchant AND kind IN @Kinds",
            new { Merchant = merchant.Value, Kinds = kinds.ToArray() }, scope.Transaction, cancellationToken: ct))).Select(r => r.ToRule()).ToList();

    public async Task<IReadOnlyList<AudienceRule>> AboutTemplateAsync(TemplateId template, WriteScope scope, CancellationToken ct) =>
        (await scope.Connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM en_audience_rules WHERE template_id = @Template",
            new { Template = template.Value }, scope.Transaction, cancellationToken: ct))).Select(r => r.ToRule()).ToList();

    public async Task<AudienceRuleReferences> ReferencesAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var templates = await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT DISTINCT template_id FROM en_audience_rules WHERE template_id IS NOT NULL", cancellationToken: ct));
        var merchants = await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT DISTINCT merchant_id FROM en_audience_rules WHERE kind IN @Kinds",
            new { Kinds = new[] { AudienceRuleKinds.NewUser, AudienceRuleKinds.SettledOrders } }, cancellationToken: ct));
        return new AudienceRuleReferences(templates.ToHashSet(), merchants.ToHashSet());
    }

    public Task<long> AddFactsAsync(IReadOnlyList<AudienceFact> facts, WriteScope scope, CancellationToken ct) =>
        facts.Count == 0 ? Task.FromResult(0L) : db.BulkInsertAsync(new BulkRows("en_audience_facts", ["merchant_id", "user_id", "kind", "ref", "at"],
            facts.Select(f => new object?[] { f.Merchant.Value, f.User.Value, f.Kind, f.Ref, UtcMillis.From(f.At) }).ToList()), scope, ct);

    public async Task<long> WithdrawFactsAsync(
        MerchantId merchant, UserId user, IReadOnlyList<(string Kind, string Ref)> facts, WriteScope scope, CancellationToken ct)
    {
        long withdrawn = 0;
        foreach (var (kind, reference) in facts)
            withdrawn += await scope.Connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM en_audience_facts WHERE merchant_id = @Merchant AND user_id = @User AND kind = @Kind AND ref = @Ref",
                new { Merchant = merchant.Value, User = user.Value, Kind = kind, Ref = reference }, scope.Transaction, cancellationToken: ct));
        return withdrawn;
    }

    public async Task<bool> ShouldHoldAsync(AudienceRule rule, UserId user, DateTimeOffset now, WriteScope scope, CancellationToken ct) =>
        await scope.Connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT COUNT(*) FROM ({Held(rule, oneUser: true)}) h", Parameters(rule, now, user: user.Value), scope.Transaction,
            cancellationToken: ct)) > 0;

    public async Task<bool> HoldsAsync(AudienceId audience, UserId user, WriteScope scope, CancellationToken ct) =>
        await scope.Connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM en_audience_members WHERE audience_id = @Audience AND user_id = @User",
            new { Audience = audience.Value, User = user.Value }, scope.Transaction, cancellationToken: ct)) > 0;

    public async Task<IReadOnlyList<long>> MissingAsync(AudienceRule rule, DateTimeOffset now, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QueryAsync<long>(new CommandDefinition(
            $"SELECT h.user_id FROM ({Held(rule, oneUser: false)}) h WHERE NOT EXISTS (SELECT 1 FROM en_audience_members m "
            + "WHERE m.audience_id = @Audience AND m.user_id = h.user_id) ORDER BY h.user_id LIMIT @Limit",
            Parameters(rule, now, limit: limit), cancellationToken: ct))).AsList();
    }

    public async Task<IReadOnlyList<long>> StaleAsync(AudienceRule rule, DateTimeOffset now, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        // The held set is not correlated (MariaDB's derived tables cannot be): evaluated once, probed per member.
        return (await connection.QueryAsync<long>(new CommandDefinition(
            $"SELECT m.user_id FROM en_audience_members m WHERE m.audience_id = @Audience AND m.user_id NOT IN "
            + $"(SELECT h.user_id FROM ({Held(rule, oneUser: false)}) h) ORDER BY m.user_id LIMIT @Limit",
            Parameters(rule, now, limit: limit), cancellationToken: ct))).AsList();
    }

    public async Task EvaluatedAsync(AudienceId audience, DateTimeOffset at, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE en_audience_rules SET evaluated_at = @At WHERE audience_id = @Id",
            new { Id = audience.Value, At = UtcMillis.From(at) }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<MerchantId>> MerchantsOfAsync(UserId user, IReadOnlyList<long> coupons, WriteScope scope, CancellationToken ct) =>
        coupons.Count == 0 ? [] : (await scope.Connection.QueryAsync<long>(new CommandDefinition(
            "SELECT DISTINCT merchant_id FROM en_user_coupons WHERE user_id = @User AND id IN @Ids AND status = 'CONSUMED' ORDER BY merchant_id",
            new { User = user.Value, Ids = coupons.ToArray() }, scope.Transaction, cancellationToken: ct))).Select(m => new MerchantId(m)).ToList();

    /// <summary>The user ids the rule's facts name (column user_id), optionally only @User.</summary>
    private static string Held(AudienceRule rule, bool oneUser) => rule.Kind switch
    {
        AudienceRuleKinds.NewUser =>
            "SELECT DISTINCT f.user_id FROM en_audience_facts f WHERE f.merchant_id = @Merchant" + (oneUser ? " AND f.user_id = @User" : ""),
        AudienceRuleKinds.ClaimedTemplate or AudienceRuleKinds.NotClaimedTemplate =>
            "SELECT c.user_id FROM en_user_template_claims c WHERE c.template_id = @Template AND c.claimed > 0"
            + (oneUser ? " AND c.user_id = @User" : ""),
        AudienceRuleKinds.SettledOrders =>
            $"SELECT f.user_id FROM en_audience_facts f WHERE f.merchant_id = @Merchant AND f.kind = '{AudienceFactKinds.Settled}' "
            + "AND f.at >= @Since" + (oneUser ? " AND f.user_id = @User" : "") + " GROUP BY f.user_id HAVING COUNT(*) >= @MinOrders",
        _ => throw new InvalidOperationException($"No rule kind {rule.Kind}."),
    };

    private static object Parameters(AudienceRule rule, DateTimeOffset now, long user = 0, int limit = 0) => new
    {
        Audience = rule.Audience.Value, Merchant = rule.Merchant.Value, Template = rule.Template?.Value ?? 0,
        Since = UtcMillis.From(rule.Since(now)), MinOrders = rule.MinOrders ?? 0, User = user, Limit = limit,
    };

    private sealed class Row
    {
        public long AudienceId { get; init; }
        public long MerchantId { get; init; }
        public string Kind { get; init; } = "";
        public long? TemplateId { get; init; }
        public int? Days { get; init; }
        public int? MinOrders { get; init; }
        public long? EvaluatedAt { get; init; }

        public static Row From(AudienceRule r) => new()
        {
            AudienceId = r.Audience.Value, MerchantId = r.Merchant.Value, Kind = r.Kind, TemplateId = r.Template?.Value, Days = r.Days,
            MinOrders = r.MinOrders,
        };

        public AudienceRule ToRule() => new(new AudienceId(AudienceId), new MerchantId(MerchantId), Kind,
            TemplateId is { } t ? new TemplateId(t) : null, Days, MinOrders, EvaluatedAt is { } e ? UtcMillis.ToTime(e) : null);
    }
}
