using Microsoft.Extensions.DependencyInjection;
using PromotionEngine.Clearing.Days;
using PromotionEngine.Clearing.Facts;
using PromotionEngine.Clearing.Journal;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Clearing;

/// <summary>
/// The clearing calendar on each store: a day that has ended closes once (again: how it was closed), today does not; a fact of a
/// closed day is journaled on the first open day after it, naming the day it happened.
/// </summary>
public abstract class ClearingCalendar(EngineApp app)
{
    private readonly ClearingDays _days = app.Services.GetRequiredService<ClearingDays>();

    /// <summary>A day of this test's own, long past: tests sharing the app never close each other's days.</summary>
    private DateOnly PastDay() => DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime).AddDays(-10 - (int)(EngineApp.NewId() % 3000) * 3);

    [Fact]
    public async Task A_day_that_has_ended_closes_once_and_today_does_not()
    {
        var day = PastDay();
        var closed = Assert.IsType<CloseOutcome.Closed>(await _days.CloseAsync(day, "ops-1", default));
        Assert.False(closed.AlreadyClosed);
        var again = Assert.IsType<CloseOutcome.Closed>(await _days.CloseAsync(day, "ops-2", default));
        Assert.Equal((true, "ops-1", closed.ClosedAt), (again.AlreadyClosed, again.ClosedBy, again.ClosedAt));
        Assert.True(await _days.IsClosedAsync(day, default));
        Assert.False(await _days.IsClosedAsync(day.AddDays(1), default));

        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        Assert.IsType<CloseOutcome.NotOver>(await _days.CloseAsync(today, "ops-1", default));
        Assert.False(await _days.IsClosedAsync(today, default));
    }

    [Fact]
    public async Task A_late_fact_of_a_closed_day_is_journaled_on_the_next_open_day_as_an_adjustment()
    {
        var day = PastDay();
        Assert.IsType<CloseOutcome.Closed>(await _days.CloseAsync(day, "ops-1", default));
        var merchant = EngineApp.NewId();
        var at = new DateTimeOffset(day.ToDateTime(new TimeOnly(23, 59)), TimeSpan.Zero);
        var late = Fact(merchant, at);
        var next = Fact(merchant, at.AddMinutes(2));

        var db = app.Services.GetRequiredService<IDatabase>();
        await using (var scope = await db.BeginWriteAsync(default))
        {
            await app.Services.GetRequiredService<ClearingJournal>().AppendAsync([late, next], scope, default);
            await scope.CommitAsync(default);
        }

        var journaled = (await app.Services.GetRequiredService<ClearingJournal>().ReadAsync(0, int.MaxValue, default))
            .Where(f => f.MerchantId == merchant).OrderBy(f => f.Seq).ToList();
        Assert.Equal([(day.AddDays(1), (DateOnly?)day), (day.AddDays(1), null)], journaled.Select(f => (f.PostingDay, f.OriginalDay)));
        Assert.Equal([late.EventId, next.EventId], journaled.Select(f => f.EventId));
    }

    private static ClearingFact Fact(long merchant, DateTimeOffset at) =>
        new(0, Guid.NewGuid(), 0, Movements.Claimed, at, DayNumbers.UtcDay(at), null, merchant, merchant * 10, "PLATFORM", "CNY", "MERCHANT", 0,
            Channels.Claim, null, EngineApp.NewId(), EngineApp.NewId(), null, null, 1, 0, 0, 0, 0, null, null);
}

public sealed class ClearingCalendarOnSqlite(SqliteApp app) : ClearingCalendar(app), IClassFixture<SqliteApp>;

public sealed class ClearingCalendarOnMariaDb(MariaDbApp app) : ClearingCalendar(app), IClassFixture<MariaDbApp>;
