using Dapper;
using PromotionEngine.Engine.Claims.Admission;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Adapters.Sql;

/// <summary>
/// Whether a template's whole stock is issued, from the issuance counter every path writes (the database gate, the group commit,
/// distributions), then who holds its coupons, from the per-user counts written in the same transactions (index
/// ix_en_user_claims_template). Read in this order without a transaction: once issued has reached the stock no grant can follow
/// under that stock, so the users read after it are all of them.
/// </summary>
internal sealed class SqlSoldOutLedger(IDatabase db) : ISoldOutLedger
{
    public async Task<long[]?> WinnersIfSoldOutAsync(TemplateId template, long stock, int maxWinners, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var issued = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT issued FROM en_template_issuance WHERE template_id = @Template", new { Template = template.Value }, cancellationToken: ct)) ?? 0;
        if (issued < stock) return null;
        var winners = (await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT user_id FROM en_user_template_claims WHERE template_id = @Template AND claimed > 0 LIMIT @Most",
            new { Template = template.Value, Most = maxWinners + 1 }, cancellationToken: ct))).ToArray();
        return winners.Length > maxWinners ? null : winners;
    }
}
