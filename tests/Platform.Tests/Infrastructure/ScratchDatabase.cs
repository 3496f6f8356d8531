using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using PromotionEngine.Platform.Persistence;

namespace PromotionEngine.Platform.Tests.Infrastructure;

/// <summary>
/// A SQLite file of the test's own, deleted afterwards: the platform's tables without a server, so these tests stay fast.
/// <see cref="MigratedAsync"/> applies the platform's migrations as the Host does (module "host").
/// </summary>
internal sealed class ScratchDatabase : IDisposable
{
    private readonly string _directory;

    private ScratchDatabase()
    {
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true; // as AddPersistence sets it
        _directory = Path.Combine(Path.GetTempPath(), "promo-platform-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        Database = new SqliteDatabase(new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory, "promotion.db") }.ToString());
        Migrator = new Migrator(Database, [PersistenceSetup.Schema], NullLogger<Migrator>.Instance);
    }

    public SqliteDatabase Database { get; }

    public Migrator Migrator { get; }

    /// <summary>No table yet.</summary>
    public static ScratchDatabase Empty() => new();

    public static async Task<ScratchDatabase> MigratedAsync()
    {
        var store = new ScratchDatabase();
        await store.Migrator.MigrateAsync(CancellationToken.None);
        return store;
    }

    public void Dispose()
    {
        Database.Dispose();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
