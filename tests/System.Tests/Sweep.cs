using Dapper;
using Microsoft.Extensions.DependencyInjection;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests;

/// <summary>The scheduled sweep stores what the clock decided: lapsed holds released, ended coupons expired.</summary>
public abstract class Sweep(EngineApp app)
{
    private async Task<string> StoredStatusAsync(string coupon)
    {
        await using var connection = await app.Services.GetRequiredService<IDatabase>().OpenAsync(CancellationToken.None);
        return await connection.QuerySingleAsync<string>("SELECT status FROM en_user_coupons WHERE id = @Id", new { Id = long.Parse(coupon) });
    }

    /// <summary>Polls to a deadline (never a fixed sleep): the sweep runs on the app's own timer, moved one sweep interval between looks.</summary>
    private Task<string> EventuallyStoredAsync(string coupon, string expected) =>
        Eventually(() => StoredStatusAsync(coupon), status => status == expected, Seconds(20), $"coupon {coupon} stored as {expected}",
            every: TimeSpan.FromMilliseconds(50), between: () => app.Clock.Advance(TimeSpan.FromSeconds(5)));

    [Fact]
    public async Task Lapsed_holds_and_ended_coupons_are_stored_as_such_by_the_sweep()
    {
        var merchant = app.AsMerchant(EngineApp.NewId());
        var userId = EngineApp.NewId();
        var template = (await merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow(), perUserLimit: 2, lasts: TimeSpan.FromHours(1)))).Id();
        var held = await app.AsUser(userId).ClaimedCouponIdAsync(template);
        var idle = await app.AsUser(userId).ClaimedCouponIdAsync(template);
        await app.AsService().LockAsync(Api.NewOrderId(), userId, [held], ttlSeconds: 60);
        Assert.Equal("LOCKED", await StoredStatusAsync(held));

        app.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal("AVAILABLE", await EventuallyStoredAsync(held, "AVAILABLE"));

        app.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal("EXPIRED", await EventuallyStoredAsync(idle, "EXPIRED"));
        Assert.Equal("EXPIRED", await EventuallyStoredAsync(held, "EXPIRED"));
    }
}

public sealed class SweepOnSqlite(SqliteApp app) : Sweep(app), IClassFixture<SqliteApp>;

public sealed class SweepOnMariaDb(MariaDbApp app) : Sweep(app), IClassFixture<MariaDbApp>;
