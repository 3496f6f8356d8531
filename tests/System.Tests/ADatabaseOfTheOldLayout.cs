using System.Data.Common;
using System.Net;
using System.Text.Json;
using Dapper;
using EvolveDb;
using EvolveDb.Dialect;
using Microsoft.Data.Sqlite;
using MySqlConnector;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests;

/// <summary>
/// A database migrated by a build from before src/Platform: the Host shipped the worker-lease, messaging and keyed-request
/// migrations as its own embedded resources (PromotionEngine.Host.Migrations.&lt;dialect&gt;.*), applied as module "host" into
/// changelog_host. This build ships the same scripts from Platform: it must start on that database, apply none of them again and
/// use the tables they made. The old build's resources are reproduced by this test assembly (System.Tests.csproj, OldLayout).
/// </summary>
public sealed class ADatabaseOfTheOldLayout
{
    private const string Changelog = "changelog_host";

    [Fact]
    public async Task On_sqlite_this_build_starts_applies_no_host_migration_again_and_uses_its_tables()
    {
        var directory = Path.Combine(Path.GetTempPath(), "promo-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var file = new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, "promotion.db") }.ToString();
        await using (var connection = new SqliteConnection(file))
        {
            await MigrateAsTheOldBuildDidAsync(connection, "Sqlite", DBMS.SQLite);
        }
        await StartsOnItAsync(new SqliteApp(directory), () => new SqliteConnection(file));
    }

    [Fact]
    public async Task On_mariadb_this_build_starts_applies_no_host_migration_again_and_uses_its_tables()
    {
        var app = new MariaDbApp("promo_test_" + Guid.NewGuid().ToString("N")[..12], workerId: null);
        var database = new MySqlConnectionStringBuilder(app.ConnectionString).Database;
        await using (var server = new MySqlConnection(MariaDbApp.ServerConnectionString))
        {
            await server.OpenAsync();
            await server.ExecuteAsync($"CREATE DATABASE `{database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        }
        await using (var connection = new MySqlConnection(app.ConnectionString))
        {
            await MigrateAsTheOldBuildDidAsync(connection, "MySql", DBMS.MySQL);
        }
        await StartsOnItAsync(app, () => new MySqlConnection(app.ConnectionString));
    }

    /// <summary>What the Host's Migrator did for module "host" before the move: its own assembly's scripts, its changelog table.</summary>
    private static async Task MigrateAsTheOldBuildDidAsync(DbConnection connection, string dialect, DBMS dbms)
    {
        await connection.OpenAsync();
        var evolve = new Evolve(connection, _ => { }, dbms)
        {
            EmbeddedResourceAssemblies = [typeof(ADatabaseOfTheOldLayout).Assembly],
            EmbeddedResourceFilters = [$"PromotionEngine.Host.Migrations.{dialect}."],
            MetadataTableName = Changelog,
            IsEraseDisabled = true,
        };
        evolve.Migrate();
        Assert.Equal(6, evolve.NbMigration); // V1_0 to V1_5
    }

    private static async Task StartsOnItAsync(EngineApp app, Func<DbConnection> open)
    {
        var before = await ChangelogAsync(open);
        try
        {
            await app.InitializeAsync(); // migrations run here: every module's, and the host's checked against the changelog

            using var ready = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/health/ready"));
            var migrations = ready.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "migrations");
            Assert.Equal("Healthy", migrations.GetProperty("status").GetString());
            var after = await ChangelogAsync(open);
            Assert.Equal(before, after.Take(before.Count)); // nothing of the host applied again, nothing rewritten
            Assert.All(after.Skip(before.Count), // only the platform's scripts added since the move
                row => Assert.True(Version.Parse(row.Split(' ')[0]) > new Version(1, 5), row));

            // The tables those migrations made serve this build: the worker lease, the outbox, the keyed requests.
            var merchant = app.AsMerchant(EngineApp.NewId());
            var template = await merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow()));
            var first = await TerminateAsync(merchant, template.Id());
            var again = await TerminateAsync(merchant, template.Id());
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
            await using var connection = open();
            Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM host_worker_leases"));
            Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM host_keyed_requests"));
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
        }
    }

    private static Task<HttpResponseMessage> TerminateAsync(HttpClient merchant, string templateId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/merchant/templates/{templateId}/terminate");
        request.Headers.Add("Idempotency-Key", "terminate-once");
        return merchant.SendAsync(request);
    }

    private static async Task<List<string>> ChangelogAsync(Func<DbConnection> open)
    {
        await using var connection = open();
        return (await connection.QueryAsync<(string Version, string Name, string Checksum)>(
                $"SELECT version, name, checksum FROM {Changelog} WHERE type = 0 ORDER BY id"))
            .Select(row => $"{row.Version} {row.Name} {row.Checksum}").ToList();
    }
}
