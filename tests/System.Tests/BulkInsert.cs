using Dapper;
using Microsoft.Extensions.DependencyInjection;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests;

/// <summary>The store's bulk load (LOAD DATA LOCAL on MariaDB) inserts in the caller's transaction, skips keys already there, and keeps text exact.</summary>
public abstract class BulkInsert(EngineApp app)
{
    private IDatabase Db => app.Services.GetRequiredService<IDatabase>();

    private static BulkRows Counters(long template, params long[] users) =>
        new("en_user_template_claims", ["user_id", "template_id", "claimed"], users.Select(u => new object?[] { u, template, 1 }).ToList());

    private async Task<long> CountAsync(long template)
    {
        await using var connection = await Db.OpenAsync(CancellationToken.None);
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM en_user_template_claims WHERE template_id = @T", new { T = template });
    }

    [Fact]
    public async Task Rows_land_with_the_commit_and_not_at_all_after_a_rollback()
    {
        var template = EngineApp.NewId();
        await using (var scope = await Db.BeginWriteAsync(CancellationToken.None))
        {
            Assert.Equal(3, await Db.BulkInsertAsync(Counters(template, 1, 2, 3), scope, CancellationToken.None));
            // not committed: disposing rolls back
        }
        Assert.Equal(0, await CountAsync(template));

        await using (var scope = await Db.BeginWriteAsync(CancellationToken.None))
        {
            Assert.Equal(3, await Db.BulkInsertAsync(Counters(template, 1, 2, 3), scope, CancellationToken.None));
            await scope.CommitAsync(CancellationToken.None);
        }
        Assert.Equal(3, await CountAsync(template));
    }

    [Fact]
    public async Task A_row_whose_key_is_there_is_skipped_and_not_counted()
    {
        var template = EngineApp.NewId();
        await using (var scope = await Db.BeginWriteAsync(CancellationToken.None))
        {
            await Db.BulkInsertAsync(Counters(template, 2), scope, CancellationToken.None);
            await scope.CommitAsync(CancellationToken.None);
        }
        await using (var scope = await Db.BeginWriteAsync(CancellationToken.None))
        {
            Assert.Equal(2, await Db.BulkInsertAsync(Counters(template, 1, 2, 3), scope, CancellationToken.None));
            await scope.CommitAsync(CancellationToken.None);
        }
        Assert.Equal(3, await CountAsync(template));
    }

    [Fact]
    public async Task Text_with_tabs_line_breaks_backslashes_and_nulls_comes_back_exactly()
    {
        var id = EngineApp.NewId();
        const string awkward = "a\tb\nc\\d\\N \r 优惠";
        var row = new object?[] { id, id, 1, 1, "AVAILABLE", 1L, 1L, 2L, awkward, null, null, 1L, 0 };
        await using (var scope = await Db.BeginWriteAsync(CancellationToken.None))
        {
            await Db.BulkInsertAsync(new BulkRows("en_user_coupons",
                ["id", "user_id", "template_id", "merchant_id", "status", "claimed_at", "valid_from", "valid_until", "order_id", "locked_until",
                    "consumed_at", "updated_at", "version"],
                [row]), scope, CancellationToken.None);
            await scope.CommitAsync(CancellationToken.None);
        }
        await using var connection = await Db.OpenAsync(CancellationToken.None);
        var stored = await connection.QuerySingleAsync<(string OrderId, long? LockedUntil)>(
            "SELECT order_id, locked_until FROM en_user_coupons WHERE id = @Id", new { Id = id });
        Assert.Equal(awkward, stored.OrderId);
        Assert.Null(stored.LockedUntil);
    }
}

public sealed class BulkInsertOnSqlite(SqliteApp app) : BulkInsert(app), IClassFixture<SqliteApp>;

public sealed class BulkInsertOnMariaDb(MariaDbApp app) : BulkInsert(app), IClassFixture<MariaDbApp>;

/// <summary>The fallback for servers with local_infile off (or <c>Promotion:Database:LoadData=false</c>): multi-row INSERT IGNOREs, same contract.</summary>
public sealed class BulkInsertWithoutLoadData : BulkInsert, IClassFixture<BulkInsertWithoutLoadData.App>
{
    public BulkInsertWithoutLoadData(App app) : base(app) { }

    public sealed class App : MariaDbApp
    {
        public App() => WithSetting("Promotion:Database:LoadData", "false");
    }
}
