using Dapper;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.MerchantAdmin.Audit;

namespace PromotionEngine.MerchantAdmin.Adapters.Sql;

internal sealed class SqlTemplateAuditTrail(IDatabase db) : ITemplateAuditTrail
{
    public Task AppendAsync(TemplateAuditEntry entry, WriteScope scope, CancellationToken ct) =>
        scope.Connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO ma_template_audit (id, template_id, merchant_id, actor, operation, before_json, after_json, occurred_at) " +
            "VALUES (@Id, @Template, @Merchant, @Actor, @Operation, @BeforeJson, @AfterJson, @OccurredAt)",
            new
            {
                entry.Id,
                Template = entry.Template.Value,
                Merchant = entry.Merchant.Value,
                entry.Actor,
                entry.Operation,
                entry.BeforeJson,
                entry.AfterJson,
                OccurredAt = UtcMillis.From(entry.OccurredAt),
            }, scope.Transaction, cancellationToken: ct));

    public async Task<IReadOnlyList<TemplateAuditEntry>> ListAsync(TemplateId template, long? after, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<AuditRow>(new CommandDefinition(
            "SELECT id, template_id, merchant_id, actor, operation, before_json, after_json, occurred_at FROM ma_template_audit " +
            "WHERE template_id = @Template AND id > @After ORDER BY id LIMIT @Limit",
            new { Template = template.Value, After = after ?? 0, Limit = limit }, cancellationToken: ct));
        return rows.Select(r => new TemplateAuditEntry(r.Id, new TemplateId(r.TemplateId), new MerchantId(r.MerchantId), r.Actor,
            r.Operation, r.BeforeJson, r.AfterJson, UtcMillis.ToTime(r.OccurredAt))).ToList();
    }

    private sealed class AuditRow
    {
        public long Id { get; init; }
        public long TemplateId { get; init; }
        public long MerchantId { get; init; }
        public string Actor { get; init; } = "";
        public string Operation { get; init; } = "";
        public string? BeforeJson { get; init; }
        public string? AfterJson { get; init; }
        public long OccurredAt { get; init; }
    }
}
