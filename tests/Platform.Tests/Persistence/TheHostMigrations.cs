using System.Security.Cryptography;
using PromotionEngine.Platform.Persistence;
using PromotionEngine.Platform.Tests.Infrastructure;

namespace PromotionEngine.Platform.Tests.Persistence;

/// <summary>
/// The platform's migrations are the ones databases migrated by earlier builds applied as module "host" (changelog_host): Evolve
/// finds them there by script name and refuses to start when a script's checksum (MD5 of its text) differs from the one it recorded.
/// They moved here from src/Host with their names and contents; only their embedded resource names changed.
/// </summary>
public sealed class TheHostMigrations
{
    /// <summary>The checksums Evolve recorded in changelog_host when a build of main before the move migrated a database.</summary>
    public static TheoryData<string, string> Applied() => new()
    {
        { "MySql.V1_0__worker_leases.sql", "BF4C3FEE75A0AFBD49E2E346FAF30094" },
        { "MySql.V1_1__messaging.sql", "1CA2009A80D820A3BA9AAA29BFC2426F" },
        { "MySql.V1_2__dead_letter_retained.sql", "0199543E02EABEE836268914A9AC2E60" },
        { "MySql.V1_3__packed_outbox_rows.sql", "FE3D5ACEDD9D072F66AF632D733151E8" },
        { "MySql.V1_4__compressed_packed_rows.sql", "6D8862336DB3201E010757BF862E3FB8" },
        { "MySql.V1_5__keyed_requests.sql", "A3C651E34F85F14E461B934BCB648DEF" },
        { "Sqlite.V1_0__worker_leases.sql", "9333FBF3C1062580DCFFB4994CB8DA69" },
        { "Sqlite.V1_1__messaging.sql", "7EFA49A02D1BE3373C68FA2130B04B5C" },
        { "Sqlite.V1_2__dead_letter_retained.sql", "6953EF1DD7756637526F9C7272A899A1" },
        { "Sqlite.V1_3__packed_outbox_rows.sql", "3948CA15F458ABC64695C16B31C6CE1B" },
        { "Sqlite.V1_4__compressed_packed_rows.sql", "6705F53DF86CA39B42F10F25AAA06925" },
        { "Sqlite.V1_5__keyed_requests.sql", "9F3E68FF36D75C2838BCCC74722ED21A" },
    };

    private const string Prefix = "PromotionEngine.Platform.Migrations.";

    [Fact]
    public void They_keep_the_module_name_databases_know_them_by() => Assert.Equal("host", PersistenceSetup.Schema.Module);

    [Theory]
    [MemberData(nameof(Applied))]
    public void An_applied_script_is_shipped_unchanged(string script, string checksum)
    {
        using var text = PersistenceSetup.Schema.Assembly.GetManifestResourceStream(Prefix + script);

        Assert.NotNull(text);
#pragma warning disable CA5351 // Evolve stores each applied script's MD5; the test computes the same checksum
        Assert.Equal(checksum, Convert.ToHexString(MD5.HashData(text)));
#pragma warning restore CA5351
    }

    [Fact]
    public void Every_shipped_script_is_one_a_database_may_have_applied_or_a_new_version()
    {
        var applied = Applied().Select(row => (string)row[0]).ToHashSet();
        var shipped = PersistenceSetup.Schema.Assembly.GetManifestResourceNames().Where(r => r.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(r => r[Prefix.Length..]).ToList();

        Assert.Subset(shipped.ToHashSet(), applied); // all twelve are still there (the superset comes first)
        Assert.All(shipped.Except(applied), script => Assert.True(Version(script) > new Version(1, 5), $"{script} is not after V1_5"));
    }

    [Fact]
    public async Task A_new_database_has_none_pending_once_migrated()
    {
        using var store = ScratchDatabase.Empty();

        var shipped = PersistenceSetup.Schema.Assembly.GetManifestResourceNames()
            .Count(r => r.StartsWith(Prefix + "Sqlite.", StringComparison.Ordinal));
        Assert.Equal(shipped, (await store.Migrator.PendingAsync(CancellationToken.None)).Count);
        await store.Migrator.MigrateAsync(CancellationToken.None);
        Assert.Empty(await store.Migrator.PendingAsync(CancellationToken.None));
    }

    private static Version Version(string script) => System.Version.Parse(script.Split('.')[1].TrimStart('V').Split("__")[0].Replace('_', '.'));
}
