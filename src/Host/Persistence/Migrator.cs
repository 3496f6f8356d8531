using EvolveDb;
using EvolveDb.Dialect;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Host.Persistence;

/// <summary>
/// Applies every module's versioned SQL migrations (Evolve), each module with its own changelog table,
/// from the folder of the configured dialect. Evolve's cluster lock keeps concurrent starts safe.
/// </summary>
internal sealed partial class Migrator(IDatabase db, IEnumerable<ModuleSchema> schemas, ILogger<Migrator> log)
{
    public async Task MigrateAsync(CancellationToken ct)
    {
        foreach (var schema in schemas)
        {
            await using var connection = await db.OpenAsync(ct);
            var dialect = db.Dialect == SqlDialect.MySql ? "MySql" : "Sqlite";
            var evolve = new Evolve(connection, message => LogEvolve(schema.Module, message), db.Dialect == SqlDialect.MySql ? DBMS.MySQL : DBMS.SQLite)
            {
                EmbeddedResourceAssemblies = [schema.Assembly],
                EmbeddedResourceFilters = [$"{schema.Assembly.GetName().Name}.Migrations.{dialect}."],
                MetadataTableName = "changelog_" + schema.Module.Replace('-', '_'),
                IsEraseDisabled = true,
            };
            evolve.Migrate();
            LogMigrated(schema.Module, evolve.NbMigration);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Evolve ({Module}): {Message}")]
    private partial void LogEvolve(string module, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Schema of {Module} is up to date ({Applied} migrations applied now)")]
    private partial void LogMigrated(string module, int applied);
}
