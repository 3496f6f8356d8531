using System.Data.Common;
using Dapper;
using PromotionEngine.Platform.Persistence;
using PromotionEngine.Platform.Tests.Infrastructure;

namespace PromotionEngine.Platform.Tests.Persistence;

/// <summary>
/// A statement of many parameters in a transaction runs with its names numbered and its values bound by number
/// (NumberedSqliteStatement): what it stores, counts and reports must be what the provider's own binding gives.
/// </summary>
public sealed class NumberingManyParameters
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public void Names_are_numbered_in_order_of_first_use_and_literals_quoted_names_and_comments_are_left_alone()
    {
        var numbers = new Dictionary<string, int>();

        var text = NumberedSqliteStatement.Numbered(
            "INSERT INTO \"t@x\" (a, [b@y]) VALUES (@b, '@a it''s', @a) -- @c\n, ($b, /* :d */ @b, :e)", numbers);

        Assert.Equal("INSERT INTO \"t@x\" (a, [b@y]) VALUES (?1, '@a it''s', ?2) -- @c\n, (?3, /* :d */ ?1, ?4)", text);
        Assert.Equal(new Dictionary<string, int> { ["@b"] = 1, ["@a"] = 2, ["$b"] = 3, [":e"] = 4 }, numbers);
    }

    [Theory]
    [InlineData("SELECT ?")]
    [InlineData("SELECT ?1, @a")]
    [InlineData("SELECT @a$b")]
    [InlineData("SELECT 'open")]
    [InlineData("SELECT a$@b")]
    public void A_text_it_cannot_read_as_SQLite_does_is_left_to_the_provider(string sql) =>
        Assert.Null(NumberedSqliteStatement.Numbered(sql, []));

    [Fact]
    public async Task Values_of_every_bound_type_are_stored_as_the_provider_stores_them_and_the_rows_changed_are_counted()
    {
        using var store = ScratchDatabase.Empty();
        await using var write = await store.Database.BeginWriteAsync(None);
        await write.Connection.ExecuteAsync(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, i, s, b, d, n, f)", transaction: write.Transaction);
        var args = new DynamicParameters();
        var rows = string.Join(", ", Enumerable.Range(0, 20).Select(r =>
        {
            args.Add("id" + r, (long)r);
            args.Add("s" + r, r % 2 == 0 ? "text " + r : "@s" + r);
            args.Add("b" + r, new byte[] { 1, (byte)r }, System.Data.DbType.Binary);
            return $"(@id{r}, @i, @s{r}, @b{r}, @d, @n, @f)";
        }));
        args.Add("i", 7);
        args.Add("d", 2.5);
        args.Add("n", null);
        args.Add("f", true);
        args.Add("unused", "ignored, as the provider ignores it");

        var changed = await write.Connection.ExecuteAsync($"INSERT INTO t VALUES {rows}", args, write.Transaction);

        Assert.Equal(20, changed);
        var row = await write.Connection.QuerySingleAsync<(long I, string S, byte[] B, double D, object? N, long F, string Types)>(
            "SELECT i, s, b, d, n, f, typeof(i) || typeof(s) || typeof(b) || typeof(d) || typeof(n) || typeof(f) FROM t WHERE id = 3",
            transaction: write.Transaction);
        Assert.Equal((7L, "@s3", 2.5, (object?)null, 1L, "integertextblobrealnullinteger"), (row.I, row.S, row.D, row.N, row.F, row.Types));
        Assert.Equal([1, 3], row.B);
        Assert.Equal("text 18", await write.Connection.ExecuteScalarAsync<string>("SELECT s FROM t WHERE id = 18", transaction: write.Transaction));
    }

    [Fact]
    public async Task A_duplicate_row_fails_as_a_unique_violation_and_leaves_the_transaction_usable()
    {
        using var store = ScratchDatabase.Empty();
        await using var write = await store.Database.BeginWriteAsync(None);
        await write.Connection.ExecuteAsync("CREATE TABLE t (id INTEGER PRIMARY KEY)", transaction: write.Transaction);
        var args = new DynamicParameters();
        var rows = string.Join(", ", Enumerable.Range(0, 20).Select(r =>
        {
            args.Add("id" + r, r == 19 ? 0L : r);
            return $"(@id{r})";
        }));

        var error = await Assert.ThrowsAnyAsync<DbException>(() =>
            write.Connection.ExecuteAsync($"INSERT INTO t VALUES {rows}", args, write.Transaction));

        Assert.True(store.Database.IsUniqueViolation(error));
        Assert.Equal(0, await write.Connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM t", transaction: write.Transaction));
    }
}
