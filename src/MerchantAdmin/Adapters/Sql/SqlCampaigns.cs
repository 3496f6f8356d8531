using System.Globalization;
using Dapper;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.MerchantAdmin.Campaigns;

namespace PromotionEngine.MerchantAdmin.Adapters.Sql;

internal sealed class SqlCampaigns(IDatabase db) : ICampaigns
{
    private const string Columns = "id, merchant_id, name, currency, valid_from, valid_until, per_user_limit, budget, stop_claims_when_low, " +
        "thresholds, created_at, updated_at, version";

    private const string BudgetColumns = "template_id, merchant_id, campaign_id, budget, stop_claims_when_low, thresholds";

    public Task AddAsync(Campaign c, WriteScope scope, CancellationToken ct) =>
        scope.Connection.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO ma_campaigns ({Columns}) VALUES (@Id, @MerchantId, @Name, @Currency, @ValidFrom, @ValidUntil, @PerUserLimit, @Budget, " +
            "@StopClaimsWhenLow, @Thresholds, @CreatedAt, @UpdatedAt, 0)", Row.From(c), scope.Transaction, cancellationToken: ct));

    public async Task<Campaign?> FindAsync(long id, CancellationToken ct, WriteScope? scope = null)
    {
        var sql = new CommandDefinition($"SELECT {Columns} FROM ma_campaigns WHERE id = @Id", new { Id = id }, scope?.Transaction,
            cancellationToken: ct);
        if (scope is not null) return (await scope.Connection.QuerySingleOrDefaultAsync<Row>(sql))?.ToCampaign();
        await using var connection = await db.OpenAsync(ct);
        return (await connection.QuerySingleOrDefaultAsync<Row>(sql))?.ToCampaign();
    }

    public async Task<IReadOnlyList<Campaign>> FindManyAsync(IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM ma_campaigns WHERE id IN @Ids", new { Ids = ids.ToArray() }, cancellationToken: ct));
        return rows.Select(r => r.ToCampaign()).ToList();
    }

    public async Task<IReadOnlyList<Campaign>> ListAsync(MerchantId merchant, long? after, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM ma_campaigns WHERE merchant_id = @Merchant{(after is null ? "" : " AND id < @After")} ORDER BY id DESC LIMIT @Limit",
            new { Merchant = merchant.Value, After = after, Limit = limit }, cancellationToken: ct));
        return rows.Select(r => r.ToCampaign()).ToList();
    }

    public async Task SaveAsync(Campaign c, WriteScope scope, CancellationToken ct)
    {
        var saved = await scope.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE ma_campaigns SET name = @Name, valid_until = @ValidUntil, per_user_limit = @PerUserLimit, budget = @Budget, " +
            "stop_claims_when_low = @StopClaimsWhenLow, thresholds = @Thresholds, updated_at = @UpdatedAt, version = version + 1 " +
            "WHERE id = @Id AND version = @Version", Row.From(c), scope.Transaction, cancellationToken: ct));
        if (saved != 1) throw new ConcurrencyConflictException($"Campaign {c.Id}");
    }

    public Task AppendAuditAsync(CampaignAuditEntry e, WriteScope scope, CancellationToken ct) =>
        scope.Connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO ma_campaign_audit (id, campaign_id, merchant_id, actor, operation, before_json, after_json, occurred_at) " +
            "VALUES (@Id, @Campaign, @Merchant, @Actor, @Operation, @BeforeJson, @AfterJson, @OccurredAt)",
            new
            {
                e.Id, e.Campaign, Merchant = e.Merchant.Value, e.Actor, e.Operation, e.BeforeJson, e.AfterJson,
                OccurredAt = UtcMillis.From(e.OccurredAt),
            },
            scope.Transaction, cancellationToken: ct));

    public async Task<IReadOnlyList<CampaignAuditEntry>> HistoryAsync(long campaign, long? after, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<AuditRow>(new CommandDefinition(
            "SELECT id, campaign_id, merchant_id, actor, operation, before_json, after_json, occurred_at FROM ma_campaign_audit " +
            "WHERE campaign_id = @Campaign AND id > @After ORDER BY id LIMIT @Limit",
            new { Campaign = campaign, After = after ?? 0, Limit = limit }, cancellationToken: ct));
        return rows.Select(r => new CampaignAuditEntry(r.Id, r.CampaignId, new MerchantId(r.MerchantId), r.Actor, r.Operation, r.BeforeJson,
            r.AfterJson, UtcMillis.ToTime(r.OccurredAt))).ToList();
    }

    public async Task<TemplateBudget?> FindTemplateBudgetAsync(TemplateId template, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<BudgetRow>(new CommandDefinition(
            $"SELECT {BudgetColumns} FROM ma_template_budgets WHERE template_id = @Template", new { Template = template.Value },
            cancellationToken: ct));
        return row?.ToBudget();
    }

    public async Task<IReadOnlyDictionary<TemplateId, TemplateBudget>> FindTemplateBudgetsAsync(IReadOnlyCollection<TemplateId> templates,
        CancellationToken ct)
    {
        if (templates.Count == 0) return new Dictionary<TemplateId, TemplateBudget>();
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<BudgetRow>(new CommandDefinition(
            $"SELECT {BudgetColumns} FROM ma_template_budgets WHERE template_id IN @Templates",
            new { Templates = templates.Select(t => t.Value).ToArray() }, cancellationToken: ct));
        return rows.Select(r => r.ToBudget()).ToDictionary(b => b.Template);
    }

    public async Task SetTemplateBudgetAsync(TemplateBudget b, DateTimeOffset now, WriteScope scope, CancellationToken ct)
    {
        var values = new
        {
            Template = b.Template.Value, Merchant = b.Merchant.Value, b.CampaignId, b.Budget, Stop = b.StopClaimsWhenLow ? 1 : 0,
            Thresholds = string.Join(',', b.Thresholds), Now = UtcMillis.From(now),
        };
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM ma_template_budgets WHERE template_id = @Template", values, scope.Transaction, cancellationToken: ct));
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO ma_template_budgets (template_id, merchant_id, campaign_id, budget, stop_claims_when_low, thresholds, updated_at) " +
            "VALUES (@Template, @Merchant, @CampaignId, @Budget, @Stop, @Thresholds, @Now)", values, scope.Transaction, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<TemplateId>> TemplatesOfAsync(long campaign, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var ids = await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT template_id FROM ma_template_budgets WHERE campaign_id = @Campaign ORDER BY template_id",
            new { Campaign = campaign }, cancellationToken: ct));
        return ids.Select(i => new TemplateId(i)).ToList();
    }

    public static IReadOnlyList<int> ParseThresholds(string text) =>
        text.Length == 0 ? [] : text.Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToList();

    private sealed class Row
    {
        public long Id { get; init; }
        public long MerchantId { get; init; }
        public string Name { get; init; } = "";
        public string Currency { get; init; } = "";
        public long ValidFrom { get; init; }
        public long ValidUntil { get; init; }
        public int? PerUserLimit { get; init; }
        public long? Budget { get; init; }
        public int StopClaimsWhenLow { get; init; }
        public string Thresholds { get; init; } = "";
        public long CreatedAt { get; init; }
        public long UpdatedAt { get; init; }
        public int Version { get; init; }

        public static Row From(Campaign c) => new()
        {
            Id = c.Id, MerchantId = c.Merchant.Value, Name = c.Name, Currency = c.Currency, ValidFrom = UtcMillis.From(c.ValidFrom),
            ValidUntil = UtcMillis.From(c.ValidUntil), PerUserLimit = c.PerUserLimit, Budget = c.Budget,
            StopClaimsWhenLow = c.StopClaimsWhenLow ? 1 : 0,
            Thresholds = string.Join(',', c.Thresholds), CreatedAt = UtcMillis.From(c.CreatedAt), UpdatedAt = UtcMillis.From(c.UpdatedAt),
            Version = c.Version,
        };

        public Campaign ToCampaign() => Campaign.Restore(Id, new MerchantId(MerchantId), Name, Currency, UtcMillis.ToTime(ValidFrom),
            UtcMillis.ToTime(ValidUntil), PerUserLimit, Budget, StopClaimsWhenLow != 0, ParseThresholds(Thresholds), UtcMillis.ToTime(CreatedAt),
            UtcMillis.ToTime(UpdatedAt), Version);
    }

    private sealed class AuditRow
    {
        public long Id { get; init; }
        public long CampaignId { get; init; }
        public long MerchantId { get; init; }
        public string Actor { get; init; } = "";
        public string Operation { get; init; } = "";
        public string? BeforeJson { get; init; }
        public string? AfterJson { get; init; }
        public long OccurredAt { get; init; }
    }

    private sealed class BudgetRow
    {
        public long TemplateId { get; init; }
        public long MerchantId { get; init; }
        public long? CampaignId { get; init; }
        public long? Budget { get; init; }
        public int StopClaimsWhenLow { get; init; }
        public string Thresholds { get; init; } = "";

        public TemplateBudget ToBudget() => new(new TemplateId(TemplateId), new MerchantId(MerchantId), CampaignId, Budget, StopClaimsWhenLow != 0,
            ParseThresholds(Thresholds));
    }
}
