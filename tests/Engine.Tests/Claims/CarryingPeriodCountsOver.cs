using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;
using PromotionEngine.Engine.Adapters.Sql;
using PromotionEngine.Engine.Claims;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Platform.Persistence;

namespace PromotionEngine.Engine.Tests.Claims;

/// <summary>
/// Engine V1_114 folds the per-period counts of the old layout (a row per user, template, kind and period start) into one row per
/// user and template, carrying over each kind's latest period only, on both dialects: a database of the test's own migrated up to
/// the layout before, filled, then migrated the rest of the way (MariaDB: PROMO_TEST_MYSQL, else root on 127.0.0.1:3306).
/// </summary>
public class CarryingPeriodCountsOver
{
    private const long Day1 = 1_772_496_000_000; // 2026-03-03T00:00Z
    private const long Day0 = Day1 - 86_400_000;
    private const long Week = 1_772_409_600_000; // Monday 2026-03-02
    private const long Month = 1_772_323_200_000; // 2026-03-01
    private const long LastMonth = 1_769_904_000_000; // 2026-02-01

    [Theory]
    [InlineData(SqlDialect.Sqlite)]
    [InlineData(SqlDialect.MySql)]
    public async Task Each_kinds_latest_period_is_carried_into_the_users_one_row_and_read_as_before(SqlDialect dialect)
    {
        await using var scratch = await ScratchAsync(dialect);
        await MigrateAsync(scratch.Database, upTo: "1.113");
        await using (var connection = await scratch.Database.OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync(
                "INSERT INTO en_user_period_claims (user_id, template_id, period, period_start, claimed) VALUES " +
                $"(1, 10, 'D', {Day0}, 2), (1, 10, 'D', {Day1}, 1), (1, 10, 'W', {Week}, 3), (1, 10, 'M', {Month}, 4), " +
                $"(2, 10, 'M', {LastMonth}, 5), (1, 11, 'D', {Day0}, 1)");
        }

        await MigrateAsync(scratch.Database, upTo: null);

        await using var migrated = await scratch.Database.OpenAsync(CancellationToken.None);
        var rows = (await migrated.QueryAsync<Row>(
            "SELECT user_id, template_id, day_start, day_claimed, week_start, week_claimed, month_start, month_claimed, latest_start " +
            "FROM en_user_period_counts ORDER BY user_id, template_id")).Select(r => r.ToString()).ToList();
        Assert.Equal(
            [
                new Row(1, 10, Day1, 1, Week, 3, Month, 4, Day1).ToString(),
                new Row(1, 11, Day0, 1, 0, 0, 0, 0, Day0).ToString(),
                new Row(2, 10, 0, 0, 0, 0, LastMonth, 5, LastMonth).ToString(),
            ], rows);
        Assert.Empty(await migrated.QueryAsync<string>(dialect == SqlDialect.MySql
            ? "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'en_user_period_claims'"
            : "SELECT name FROM sqlite_master WHERE name = 'en_user_period_claims'"));
        Assert.Equal([(1L, 1)], await SqlPeriodClaims.CountsAsync(scratch.Database, new TemplateId(10), Period(PeriodKind.Day, Day1), default));
        Assert.Equal([(1L, 4)], await SqlPeriodClaims.CountsAsync(scratch.Database, new TemplateId(10), Period(PeriodKind.Month, Month), default));
        Assert.Empty(await SqlPeriodClaims.CountsAsync(scratch.Database, new TemplateId(10), Period(PeriodKind.Day, Day0), default));
        // The sweep deletes a row once every period in it has started before its bound: here template 11's and user 2's.
        var purged = await new SqlEndedPeriodCounts(scratch.Database).PurgeAsync(DateTimeOffset.FromUnixTimeMilliseconds(Day1), limit: 10, default);
        Assert.Equal(2, purged);
        Assert.Equal([1L], await migrated.QueryAsync<long>("SELECT user_id FROM en_user_period_counts"));
    }

    /// <summary>A row of en_user_period_counts (settable properties: Dapper converts MariaDB's INT columns to them).</summary>
    private sealed record Row(long UserId, long TemplateId, long DayStart, long DayClaimed, long WeekStart, long WeekClaimed,
        long MonthStart, long MonthClaimed, long LatestStart)
    {
        public Row()
            : this(0, 0, 0, 0, 0, 0, 0, 0, 0)
        {
        }
    }

    private static ClaimPeriod Period(PeriodKind kind, long start) =>
        new(kind, 5, DateTimeOffset.FromUnixTimeMilliseconds(start), DateTimeOffset.FromUnixTimeMilliseconds(start + 86_400_000), "UTC");

    private static Task MigrateAsync(IDatabase database, string? upTo) =>
        new Migrator(database, [PersistenceSetup.Schema, new ModuleSchema(EngineModule.Name, typeof(EngineModule).Assembly)],
            NullLogger<Migrator>.Instance).MigrateAsync(upTo, CancellationToken.None);

    private sealed class Scratch(IDatabase database, Func<Task> drop) : IAsyncDisposable
    {
        public IDatabase Database { get; } = database;

        public async ValueTask DisposeAsync() => await drop();
    }

    private static async Task<Scratch> ScratchAsync(SqlDialect dialect)
    {
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true; // as AddEngine sets it
        if (dialect == SqlDialect.Sqlite)
        {
            var directory = Path.Combine(Path.GetTempPath(), "promo-engine-tests-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            var sqlite = new SqliteDatabase(new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, "promotion.db") }.ToString());
            return new Scratch(sqlite, () =>
            {
                sqlite.Dispose();
                SqliteConnection.ClearAllPools();
                try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
                return Task.CompletedTask;
            });
        }
        var server = Environment.GetEnvironmentVariable("PROMO_TEST_MYSQL") ?? "Server=127.0.0.1;Port=3306;User ID=root;Password=;";
        var name = "promo_engine_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync(server, $"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        var mySql = new MySqlDatabase(new MySqlConnectionStringBuilder(server) { Database = name }.ConnectionString);
        return new Scratch(mySql, async () =>
        {
            await mySql.DisposeAsync();
            await ExecuteAsync(server, $"DROP DATABASE `{name}`");
        });
    }

    private static async Task ExecuteAsync(string server, string sql)
    {
        await using var connection = new MySqlConnection(server);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
