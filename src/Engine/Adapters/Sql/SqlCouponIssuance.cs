using Dapper;
using PromotionEngine.Contracts.Engine;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Adapters.Sql;

/// <summary>How many coupons each template has issued, from the engine's own counters.</summary>
internal sealed class SqlCouponIssuance(IDatabase db) : ICouponIssuance
{
    public async Task<IReadOnlyDictionary<TemplateId, long>> IssuedAsync(IReadOnlyCollection<TemplateId> templates, CancellationToken ct)
    {
        if (templates.Count == 0) return new Dictionary<TemplateId, long>();
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<(long TemplateId, long Issued)>(new CommandDefinition(
            "SELECT template_id, issued FROM en_template_issuance WHERE template_id IN @Ids",
            new { Ids = templates.Select(t => t.Value).ToArray() }, cancellationToken: ct));
        return rows.ToDictionary(r => new TemplateId(r.TemplateId), r => r.Issued);
    }
}
