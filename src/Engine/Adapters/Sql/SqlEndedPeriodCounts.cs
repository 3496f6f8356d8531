using Dapper;
using PromotionEngine.Engine.Claims;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Adapters.Sql;

/// <summary>Deletes ended periods' rows of en_user_period_claims in batches, by the period_start index (Engine V1_85).</summary>
internal sealed class SqlEndedPeriodCounts(IDatabase db) : IEndedPeriodCounts
{
    public async Task<int> PurgeAsync(DateTimeOffset startedBefore, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        // SQLite has no DELETE ... LIMIT unless built with it; the table has no rowid, so its key picks the batch.
        return await connection.ExecuteAsync(new CommandDefinition(db.Dialect == SqlDialect.MySql
            ? "DELETE FROM en_user_period_claims WHERE period_start < @Before LIMIT @Limit"
            : "DELETE FROM en_user_period_claims WHERE (user_id, template_id, period, period_start) IN "
              + "(SELECT user_id, template_id, period, period_start FROM en_user_period_claims WHERE period_start < @Before LIMIT @Limit)",
            new { Before = startedBefore.ToUnixTimeMilliseconds(), Limit = limit }, cancellationToken: ct));
    }
}
