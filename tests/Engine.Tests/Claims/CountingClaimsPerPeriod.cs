using System.Globalization;
using Dapper;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Engine.Claims;

namespace PromotionEngine.Engine.Tests.Claims;

/// <summary>
/// The per-period counts in one row per user and template (SqlPeriodClaims): the Redis gate's group commit (SqlClaimLedger) and
/// the database gate (SqlClaimGate, here in its SQLite group commit) count every limited period of a claim in that row, start a
/// kind over in a new period, and never let a claim of a period the row has moved past through uncounted.
/// </summary>
public class CountingClaimsPerPeriod
{
    // 2026-03-03 is a Tuesday: Tuesday and Wednesday share an ISO week (UTC, the templates' zone).
    private static readonly DateTimeOffset Tuesday = new(2026, 3, 3, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Wednesday = Tuesday.AddDays(1);
    private static readonly DateTimeOffset Midnight = new(2026, 3, 4, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_batch_counts_each_limited_period_in_the_users_one_row_and_a_new_day_starts_only_the_days_count_over()
    {
        await using var store = await ClaimsOnSqlite.MigratedAsync();
        var template = Limited(store, 1, daily: 2, weekly: 3);

        Assert.True(await store.Ledger.TryRecordAllAsync(
            [store.Claim(template, 1, "a", Tuesday), store.Claim(template, 1, "b", Tuesday), store.Claim(template, 2, "c", Tuesday)],
            CancellationToken.None));
        Assert.Equal(new Counts(Day(Tuesday), 2, Week(Tuesday), 2), await CountsAsync(store, template, 1));
        Assert.Equal(new Counts(Day(Tuesday), 1, Week(Tuesday), 1), await CountsAsync(store, template, 2));
        Assert.True(await store.Ledger.TryRecordAllAsync([store.Claim(template, 1, "d", Wednesday)], CancellationToken.None));
        Assert.Equal(new Counts(Day(Wednesday), 1, Week(Tuesday), 3), await CountsAsync(store, template, 1));

        // The week is full: the re-check refuses the batch and nothing of it stays.
        Assert.False(await store.Ledger.TryRecordAllAsync([store.Claim(template, 1, "e", Wednesday.AddHours(1))], CancellationToken.None));
        Assert.Equal(new Counts(Day(Wednesday), 1, Week(Tuesday), 3), await CountsAsync(store, template, 1));
        Assert.Equal(2, await RowsAsync(store, template));
    }

    [Fact]
    public async Task A_users_claims_on_both_sides_of_midnight_in_one_batch_are_decided_one_by_one_each_in_its_own_day()
    {
        await using var store = await ClaimsOnSqlite.MigratedAsync();
        var template = Limited(store, 2, daily: 1);
        var late = store.Claim(template, 1, "late", Midnight - TimeSpan.FromMilliseconds(1));
        var early = store.Claim(template, 1, "early", Midnight);

        Assert.False(await store.Ledger.TryRecordAllAsync([late, early], CancellationToken.None));
        Assert.Equal(0, await RowsAsync(store, template));
        var decisions = await store.InOneBatchAsync(late, early);

        Assert.All(decisions, d => Assert.IsType<GateDecision.Granted>(d));
        Assert.Equal(new Counts(Day(Midnight), 1, 0, 0), await CountsAsync(store, template, 1));
    }

    [Fact]
    public async Task A_claim_of_a_day_the_row_has_moved_past_is_refused_since_that_days_count_is_gone()
    {
        await using var store = await ClaimsOnSqlite.MigratedAsync();
        var template = Limited(store, 3, daily: 5);
        Assert.True(await store.Ledger.TryRecordAllAsync([store.Claim(template, 1, "new-day", Midnight)], CancellationToken.None));
        var behind = store.Claim(template, 1, "behind", Midnight - TimeSpan.FromMilliseconds(1)); // another instance's clock

        Assert.False(await store.Ledger.TryRecordAllAsync([behind], CancellationToken.None));
        var decision = (await store.InOneBatchAsync(behind)).Single();

        Assert.Equal(Day(Midnight - TimeSpan.FromDays(1)), Assert.IsType<GateDecision.PeriodLimitReached>(decision).Period.StartMillis);
        Assert.Equal(new Counts(Day(Midnight), 1, 0, 0), await CountsAsync(store, template, 1));
        Assert.Equal(1, await store.RequestsOfAsync(1)); // the refused claim's request undone with it
    }

    private static CouponTemplateSnapshot Limited(ClaimsOnSqlite store, long id, int? daily = null, int? weekly = null) =>
        store.Template(id, stock: 100, perUserLimit: 10) with
        {
            ValidFrom = Tuesday - TimeSpan.FromDays(30),
            ValidUntil = Tuesday + TimeSpan.FromDays(30),
            PerUserDailyLimit = daily,
            PerUserWeeklyLimit = weekly,
        };

    private static long Day(DateTimeOffset at) => new DateTimeOffset(at.UtcDateTime.Date, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static long Week(DateTimeOffset at) =>
        Day(at) - ((int)at.UtcDateTime.DayOfWeek + 6) % 7 * (long)TimeSpan.FromDays(1).TotalMilliseconds;

    private sealed record Counts(long DayStart, long DayClaimed, long WeekStart, long WeekClaimed);

    private static async Task<Counts?> CountsAsync(ClaimsOnSqlite store, CouponTemplateSnapshot template, long user)
    {
        await using var connection = await store.Database.OpenAsync(CancellationToken.None);
        return await connection.QuerySingleOrDefaultAsync<Counts>(
            "SELECT day_start AS DayStart, day_claimed AS DayClaimed, week_start AS WeekStart, week_claimed AS WeekClaimed " +
            "FROM en_user_period_counts WHERE template_id = @T AND user_id = @U", new { T = template.Id.Value, U = user });
    }

    private static async Task<long> RowsAsync(ClaimsOnSqlite store, CouponTemplateSnapshot template)
    {
        await using var connection = await store.Database.OpenAsync(CancellationToken.None);
        return await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM en_user_period_counts WHERE template_id = " + template.Id.Value.ToString(CultureInfo.InvariantCulture));
    }
}
