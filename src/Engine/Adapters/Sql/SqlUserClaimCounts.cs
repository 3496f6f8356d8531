using Dapper;
using PromotionEngine.Contracts.Engine;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Adapters.Sql;

/// <summary>A user's claim counts per template, from the per-user limit's own rows: one primary-key range read by user.</summary>
internal sealed class SqlUserClaimCounts(IDatabase db) : IUserClaimCounts
{
    public async Task<IReadOnlyDictionary<TemplateId, int>> ClaimedAsync(UserId user, IReadOnlyCollection<TemplateId> templates, CancellationToken ct)
    {
        if (templates.Count == 0) return new Dictionary<TemplateId, int>();
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<(long TemplateId, int Claimed)>(new CommandDefinition(
            "SELECT template_id, claimed FROM en_user_template_claims WHERE user_id = @User AND template_id IN @Ids AND claimed > 0",
            new { User = user.Value, Ids = templates.Select(t => t.Value).ToArray() }, cancellationToken: ct));
        return rows.ToDictionary(r => new TemplateId(r.TemplateId), r => r.Claimed);
    }
}
