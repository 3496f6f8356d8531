using Dapper;
using Microsoft.Data.Sqlite;
using PromotionEngine.Platform.Tests.Infrastructure;

namespace PromotionEngine.Platform.Tests.Persistence;

/// <summary>
/// The embedded store's connections (SqliteDatabase): their settings are made once per pooled SQLite handle and hold on every
/// open, and their commands give a parameter the statement's <c>@</c> when Dapper names it bare.
/// </summary>
public sealed class TheEmbeddedStoresConnections
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Every_open_reads_and_writes_with_the_stores_settings_even_after_a_relaxed_write()
    {
        using var store = ScratchDatabase.Empty();
        Assert.Equal((10000L, 2L), await SettingsAsync(store)); // synchronous=FULL (2)
        await using (var relaxed = await store.Database.BeginRelaxedWriteAsync(None))
        {
            Assert.Equal(1L, await relaxed.Connection.ExecuteScalarAsync<long>("PRAGMA synchronous", transaction: relaxed.Transaction));
        }
        // The pool's one handle comes back: it was left at NORMAL, and its next open sets FULL again.
        Assert.Equal((10000L, 2L), await SettingsAsync(store));
        await using var write = await store.Database.BeginWriteAsync(None);
        Assert.Equal(2L, await write.Connection.ExecuteScalarAsync<long>("PRAGMA synchronous", transaction: write.Transaction));
    }

    [Fact]
    public async Task A_pooled_handle_is_set_up_once_not_on_every_open()
    {
        using var store = ScratchDatabase.Empty();
        await using (var first = await store.Database.OpenAsync(None))
        {
            await first.ExecuteAsync("PRAGMA busy_timeout=1234");
        }
        // Had the open run its PRAGMAs again, the handle would be back at 10000.
        await using var again = await store.Database.OpenAsync(None);
        Assert.Equal(1234L, await again.ExecuteScalarAsync<long>("PRAGMA busy_timeout"));
    }

    [Fact]
    public async Task A_parameter_named_bare_takes_the_at_sign_and_a_prefixed_one_keeps_its_own()
    {
        using var store = ScratchDatabase.Empty();
        await using var connection = await store.Database.OpenAsync(None);
        await using var command = connection.CreateCommand();
        var bare = command.CreateParameter();
        bare.ParameterName = "Id";
        var dollar = command.CreateParameter();
        dollar.ParameterName = "$p0";
        Assert.Equal(["@Id", "$p0"], new[] { bare.ParameterName, dollar.ParameterName });
        Assert.IsType<SqliteCommand>(command, exactMatch: false);
    }

    [Fact]
    public async Task Dapper_binds_many_bare_named_parameters_lists_and_prefixed_ones_to_the_right_values()
    {
        using var store = ScratchDatabase.Empty();
        await using var write = await store.Database.BeginWriteAsync(None);
        await write.Connection.ExecuteAsync("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)", transaction: write.Transaction);
        // A multi-row insert of 300 rows, 600 parameters named bare (as the relay's and the journal's are).
        var args = new DynamicParameters();
        var values = string.Join(", ", Enumerable.Range(0, 300).Select(i =>
        {
            args.Add("i" + i, i);
            args.Add("n" + i, "name " + i);
            return $"(@i{i}, @n{i})";
        }));
        Assert.Equal(300, await write.Connection.ExecuteAsync($"INSERT INTO t (id, name) VALUES {values}", args, write.Transaction));
        Assert.Equal(["name 7", "name 299"], await write.Connection.QueryAsync<string>(
            "SELECT name FROM t WHERE id IN @Ids ORDER BY id", new { Ids = new[] { 299, 7 } }, write.Transaction));
        Assert.Equal("name 42", await write.Connection.ExecuteScalarAsync<string>(
            "SELECT name FROM t WHERE id = $id", new DynamicParameters(new Dictionary<string, object> { ["$id"] = 42 }),
            write.Transaction));
    }

    private static async Task<(long BusyTimeout, long Synchronous)> SettingsAsync(ScratchDatabase store)
    {
        await using var connection = await store.Database.OpenAsync(None);
        var busyTimeout = await connection.ExecuteScalarAsync<long>("PRAGMA busy_timeout");
        return (busyTimeout, await connection.ExecuteScalarAsync<long>("PRAGMA synchronous"));
    }
}
