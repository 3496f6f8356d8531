using Dapper;
using PromotionEngine.Engine.Claims;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Adapters.Sql;

/// <summary>
/// Deletes the rows of en_user_period_counts whose periods have all ended, in batches, by the latest_start index (Engine V1_114):
/// a row whose day has ended but whose month has not stays, and its next claim starts the new day's count over.
/// </summary>
internal sealed class SqlEndedPeriodCounts(IDatabase db) : IEndedPeriodCounts
{
    public async Task<int> PurgeAsync(DateTimeOffset startedBefore, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        // SQLite has no DELETE ... LIMIT unless built with it; the table has no rowid, so its key picks the batch.
        return await connection.ExecuteAsync(new CommandDefinition(db.Dialect == SqlDialect.MySql
            ? "DELETE FROM en_user_period_counts WHERE latest_start < @Before LIMIT @Limit"
            : "DELETE FROM en_user_period_counts WHERE (user_id, template_id) IN "
              + "(SELECT user_id, template_id FROM en_user_period_counts WHERE latest_start < @Before LIMIT @Limit)",
            new { Before = startedBefore.ToUnixTimeMilliseconds(), Limit = limit }, cancellationToken: ct));
    }
}
