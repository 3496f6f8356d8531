using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Platform.Persistence;

namespace PromotionEngine.Clearing.Tests.Days;

/// <summary>
/// A database of the test's own with the clearing module's tables, migrated as the Host migrates them: a SQLite file, or a
/// database on the MariaDB server (PROMO_TEST_MYSQL, else root on 127.0.0.1:3306; scripts/services.sh start mariadb), dropped after.
/// </summary>
internal sealed class ClearingDaysDatabase : IAsyncDisposable
{
    private readonly Func<Task> _drop;

    private ClearingDaysDatabase(IDatabase database, Func<Task> drop) => (Database, _drop) = (database, drop);

    public IDatabase Database { get; }

    public static async Task<ClearingDaysDatabase> SqliteAsync()
    {
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true; // as the Host sets it
        var directory = Path.Combine(Path.GetTempPath(), "promo-clearing-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var database = new SqliteDatabase(new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, "promotion.db") }.ToString());
        await MigrateAsync(database);
        return new ClearingDaysDatabase(database, () =>
        {
            database.Dispose();
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
            return Task.CompletedTask;
        });
    }

    public static async Task<ClearingDaysDatabase> MariaDbAsync()
    {
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
        var server = Environment.GetEnvironmentVariable("PROMO_TEST_MYSQL") ?? "Server=127.0.0.1;Port=3306;User ID=root;Password=;";
        var name = "promo_clearing_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync(server, $"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        var database = new MySqlDatabase(new MySqlConnectionStringBuilder(server) { Database = name }.ConnectionString);
        await MigrateAsync(database);
        return new ClearingDaysDatabase(database, async () =>
        {
            await database.DisposeAsync();
            await ExecuteAsync(server, $"DROP DATABASE `{name}`");
        });
    }

    public async ValueTask DisposeAsync() => await _drop();

    private static Task MigrateAsync(IDatabase database) =>
        new Migrator(database, [new ModuleSchema(ClearingModule.Name, typeof(ClearingModule).Assembly)], NullLogger<Migrator>.Instance)
            .MigrateAsync(CancellationToken.None);

    private static async Task ExecuteAsync(string server, string sql)
    {
        await using var connection = new MySqlConnection(server);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
