using Dapper;
using EvolveDb;
using EvolveDb.Dialect;
using EvolveDb.Migration;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Platform.Persistence;

/// <summary>
/// Applies every module's versioned SQL migrations (Evolve), each module with its own changelog table,
/// from the folder of the configured dialect. Evolve's cluster lock keeps concurrent starts safe.
/// </summary>
internal sealed partial class Migrator(IDatabase db, IEnumerable<ModuleSchema> schemas, ILogger<Migrator> log)
{
    public Task MigrateAsync(CancellationToken ct) => MigrateAsync(null, ct);

    /// <summary>
    /// Applies the migrations up to <paramref name="upTo"/> (a version such as "1.113", in every module's changelog; null: all).
    /// A test of a migration that carries rows over writes them in the layout before it.
    /// </summary>
    public async Task MigrateAsync(string? upTo, CancellationToken ct)
    {
        foreach (var schema in schemas)
        {
            await using var connection = await db.OpenAsync(ct);
            var evolve = new Evolve(
                connection, message => LogEvolve(schema.Module, message), db.Dialect == SqlDialect.MySql ? DBMS.MySQL : DBMS.SQLite)
            {
                EmbeddedResourceAssemblies = [schema.Assembly],
                EmbeddedResourceFilters = [ResourcePrefix(schema)],
                MetadataTableName = ChangelogTable(schema),
                IsEraseDisabled = true,
            };
            if (upTo is not null) evolve.TargetVersion = new MigrationVersion(upTo);
            evolve.Migrate();
            LogMigrated(schema.Module, evolve.NbMigration);
        }
    }

    /// <summary>
    /// The migrations shipped in this build that the database has not applied successfully, as "module: script"
    /// (a module whose changelog table is missing counts every script): empty when the schema is this build's.
    /// </summary>
    public async Task<IReadOnlyList<string>> PendingAsync(CancellationToken ct)
    {
        var pending = new List<string>();
        await using var connection = await db.OpenAsync(ct);
        foreach (var schema in schemas)
        {
            var prefix = ResourcePrefix(schema);
            var shipped = schema.Assembly.GetManifestResourceNames().Where(r => r.StartsWith(prefix, StringComparison.Ordinal))
                .Select(r => r[prefix.Length..])
                .ToList();
            var table = ChangelogTable(schema);
            var exists = await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Dialect == SqlDialect.MySql
                ? "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = @Table"
                : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @Table", new { Table = table }, cancellationToken: ct)) > 0;
            // Evolve's changelog: type 0 is a versioned migration, written with success = 1 once applied.
            var applied = exists
                ? (await connection.QueryAsync<string>(
                    new CommandDefinition($"SELECT name FROM {table} WHERE type = 0 AND success = 1", cancellationToken: ct))).ToHashSet()
                : [];
            pending.AddRange(
                shipped.Where(script => !applied.Contains(script)).Order(StringComparer.Ordinal).Select(script => $"{schema.Module}: {script}"));
        }
        return pending;
    }

    private string ResourcePrefix(ModuleSchema schema)
        => $"{schema.Assembly.GetName().Name}.Migrations.{(db.Dialect == SqlDialect.MySql ? "MySql" : "Sqlite")}.";

    private static string ChangelogTable(ModuleSchema schema) => "changelog_" + schema.Module.Replace('-', '_');

    [LoggerMessage(Level = LogLevel.Debug, Message = "Evolve ({Module}): {Message}")]
    private partial void LogEvolve(string module, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Schema of {Module} is up to date ({Applied} migrations applied now)")]
    private partial void LogMigrated(string module, int applied);
}
