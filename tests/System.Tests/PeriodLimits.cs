using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using PromotionEngine.System.Tests.Infrastructure;
using StackExchange.Redis;

namespace PromotionEngine.System.Tests;

/// <summary>
/// The per-user limits per day, ISO week and month of a template's time zone: the same contract for every claim gate (the database
/// gate on SQLite and MariaDB, the Redis gate with its group commit), at each period's boundary under the app's fake clock, and under
/// contention. The boundaries expected are drawn here with the host's <see cref="TimeZoneInfo"/>, apart from the engine's own.
/// </summary>
public abstract class PeriodLimits(EngineApp app)
{
    private readonly HttpClient _merchant = app.AsMerchant(EngineApp.NewId());

    private async Task<string> TemplateAsync(string timeZone, int perUserLimit = 20, int? daily = null, int? weekly = null, int? monthly = null)
    {
        var now = app.Clock.GetUtcNow();
        var created = await _merchant.CreateTemplateAsync(new
        {
            name = "每日限领", currency = "CNY", scope = "PLATFORM", type = "FIXED_AMOUNT", discountAmount = 500,
            validFrom = now - TimeSpan.FromMinutes(1), validUntil = now + TimeSpan.FromDays(120), stock = 10_000, perUserLimit, timeZone,
            perUserDailyLimit = daily, perUserWeeklyLimit = weekly, perUserMonthlyLimit = monthly,
        });
        Assert.Equal(timeZone, created.Str("timeZone"));
        return created.Id();
    }

    private static async Task<HttpResponseMessage[]> AllAtOnceAsync(int count, Func<int, Task<HttpResponseMessage>> call)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, count).Select(async i => { await start.Task; return await call(i); }).ToArray();
        start.SetResult();
        return await Task.WhenAll(calls);
    }

    /// <summary>The first instant, in <paramref name="zone"/>, of the local date <paramref name="next"/> makes of <paramref name="now"/>'s.</summary>
    private static DateTimeOffset LocalMidnight(DateTimeOffset now, string zone, Func<DateTime, DateTime> next)
    {
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        var date = next(TimeZoneInfo.ConvertTime(now, tz).Date);
        return new DateTimeOffset(date, tz.GetUtcOffset(date)).ToUniversalTime();
    }

    private static DateTime NextMonday(DateTime date) => date.AddDays(((int)DayOfWeek.Monday - (int)date.DayOfWeek + 6) % 7 + 1);

    private static async Task<DateTimeOffset> AssertRefusedAsync(HttpResponseMessage response, string period, int limit, string zone)
    {
        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict, "PERIOD_LIMIT_REACHED");
        Assert.Equal(period, problem.Str("period"));
        Assert.Equal(limit, problem.GetProperty("periodLimit").GetInt32());
        Assert.Equal(zone, problem.Str("timeZone"));
        return problem.GetProperty("resetsAt").GetDateTimeOffset();
    }

    /// <summary>Moves the app's clock to just before <paramref name="boundary"/>, checks the limit still holds, then across it.</summary>
    private async Task AssertResetsExactlyAtAsync(HttpClient user, string template, DateTimeOffset boundary, string period, int limit, string zone)
    {
        app.Clock.Advance(boundary - TimeSpan.FromMilliseconds(1) - app.Clock.GetUtcNow());
        await AssertRefusedAsync(await user.ClaimAsync(template), period, limit, zone);

        app.Clock.Advance(TimeSpan.FromMilliseconds(1));

        for (var i = 0; i < limit; i++) Assert.Equal(HttpStatusCode.Created, (await user.ClaimAsync(template)).StatusCode);
        await AssertRefusedAsync(await user.ClaimAsync(template), period, limit, zone);
    }

    [Fact]
    public async Task A_daily_limit_holds_until_midnight_in_the_templates_zone_and_not_a_millisecond_longer()
    {
        var template = await TemplateAsync("Asia/Shanghai", daily: 2);
        var user = app.AsUser(EngineApp.NewId());

        Assert.Equal(HttpStatusCode.Created, (await user.ClaimAsync(template)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await user.ClaimAsync(template)).StatusCode);
        var resetsAt = await AssertRefusedAsync(await user.ClaimAsync(template), "DAY", 2, "Asia/Shanghai");

        Assert.Equal(LocalMidnight(app.Clock.GetUtcNow(), "Asia/Shanghai", d => d.AddDays(1)), resetsAt);
        Assert.Equal(HttpStatusCode.Created, (await app.AsUser(EngineApp.NewId()).ClaimAsync(template)).StatusCode); // per user
        await AssertResetsExactlyAtAsync(user, template, resetsAt, "DAY", 2, "Asia/Shanghai");
    }

    [Fact]
    public async Task A_weekly_limit_holds_until_the_next_monday_in_the_templates_zone()
    {
        var template = await TemplateAsync("America/New_York", weekly: 1);
        var user = app.AsUser(EngineApp.NewId());

        Assert.Equal(HttpStatusCode.Created, (await user.ClaimAsync(template)).StatusCode);
        var resetsAt = await AssertRefusedAsync(await user.ClaimAsync(template), "WEEK", 1, "America/New_York");

        Assert.Equal(LocalMidnight(app.Clock.GetUtcNow(), "America/New_York", NextMonday), resetsAt);
        await AssertResetsExactlyAtAsync(user, template, resetsAt, "WEEK", 1, "America/New_York");
    }

    [Fact]
    public async Task A_monthly_limit_holds_until_the_first_of_the_next_month_in_the_templates_zone()
    {
        var template = await TemplateAsync("Europe/Berlin", monthly: 2);
        var user = app.AsUser(EngineApp.NewId());

        Assert.Equal(HttpStatusCode.Created, (await user.ClaimAsync(template)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await user.ClaimAsync(template)).StatusCode);
        var resetsAt = await AssertRefusedAsync(await user.ClaimAsync(template), "MONTH", 2, "Europe/Berlin");

        Assert.Equal(LocalMidnight(app.Clock.GetUtcNow(), "Europe/Berlin", d => new DateTime(d.Year, d.Month, 1).AddMonths(1)), resetsAt);
        await AssertResetsExactlyAtAsync(user, template, resetsAt, "MONTH", 2, "Europe/Berlin");
    }

    [Fact]
    public async Task The_tightest_period_refuses_first_and_a_new_day_does_not_reset_the_week()
    {
        var template = await TemplateAsync("UTC", daily: 1, weekly: 2);
        var user = app.AsUser(EngineApp.NewId());
        // Start on a Monday: two days of the same week follow.
        app.Clock.Advance(LocalMidnight(app.Clock.GetUtcNow(), "UTC", NextMonday) + TimeSpan.FromHours(1) - app.Clock.GetUtcNow());

        Assert.Equal(HttpStatusCode.Created, (await user.ClaimAsync(template)).StatusCode);
        var tomorrow = await AssertRefusedAsync(await user.ClaimAsync(template), "DAY", 1, "UTC");
        app.Clock.Advance(tomorrow - app.Clock.GetUtcNow());
        Assert.Equal(HttpStatusCode.Created, (await user.ClaimAsync(template)).StatusCode);
        app.Clock.Advance(TimeSpan.FromDays(1));

        var nextWeek = await AssertRefusedAsync(await user.ClaimAsync(template), "WEEK", 2, "UTC");
        Assert.Equal(tomorrow + TimeSpan.FromDays(6), nextWeek);
    }

    [Fact]
    public async Task The_sweep_deletes_the_counts_of_ended_periods_and_keeps_the_current_ones()
    {
        var template = await TemplateAsync("Asia/Shanghai", daily: 1, monthly: 3);
        var first = app.AsUser(EngineApp.NewId());
        Assert.Equal(HttpStatusCode.Created, (await first.ClaimAsync(template)).StatusCode);
        var firstClaim = app.Clock.GetUtcNow();
        Assert.Equal((1, 0), await PeriodRowsAsync(template, firstClaim - TimeSpan.FromDays(40))); // one row: its day's and month's counts

        // 33 days on, both of the first user's periods are over (no month is longer than 32 days); another user's claim counts in new ones.
        app.Clock.Advance(TimeSpan.FromDays(33));
        var second = app.AsUser(EngineApp.NewId());
        Assert.Equal(HttpStatusCode.Created, (await second.ClaimAsync(template)).StatusCode);

        await Eventually(() => PeriodRowsAsync(template, firstClaim + TimeSpan.FromDays(2)), rows => rows == (1, 0), Seconds(30),
            "the ended periods' counts deleted by the sweep", between: () => app.Clock.Advance(TimeSpan.FromSeconds(30)));
        await AssertRefusedAsync(await second.ClaimAsync(template), "DAY", 1, "Asia/Shanghai"); // the current day still counts
        Assert.Equal(HttpStatusCode.Created, (await first.ClaimAsync(template)).StatusCode);
    }

    /// <summary>
    /// The template's users' period counts (a row per user): those whose latest period started at or after <paramref name="since"/>,
    /// and those before.
    /// </summary>
    private async Task<(long Since, long Before)> PeriodRowsAsync(string template, DateTimeOffset since)
    {
        var db = app.Services.GetRequiredService<PromotionEngine.Kernel.Persistence.IDatabase>();
        await using var connection = await db.OpenAsync(CancellationToken.None);
        var args = new { T = long.Parse(template, CultureInfo.InvariantCulture), S = since.ToUnixTimeMilliseconds() };
        return (await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM en_user_period_counts WHERE template_id = @T AND latest_start >= @S", args),
            await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM en_user_period_counts WHERE template_id = @T AND latest_start < @S", args));
    }

    [Fact]
    public async Task The_lifetime_limit_is_checked_before_the_period_limits()
    {
        var template = await TemplateAsync("Asia/Shanghai", perUserLimit: 1, daily: 1);
        var user = app.AsUser(EngineApp.NewId());

        Assert.Equal(HttpStatusCode.Created, (await user.ClaimAsync(template)).StatusCode);

        await (await user.ClaimAsync(template)).AssertProblemAsync(HttpStatusCode.Conflict, "USER_LIMIT_REACHED");
    }

    [Fact]
    public async Task One_user_racing_thirty_claims_against_a_daily_limit_of_three_gets_exactly_three()
    {
        var template = await TemplateAsync("Asia/Shanghai", perUserLimit: 50, daily: 3, weekly: 10);
        var user = app.AsUser(EngineApp.NewId());

        var responses = await AllAtOnceAsync(30, _ => user.ClaimAsync(template));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            await AssertRefusedAsync(refused, "DAY", 3, "Asia/Shanghai");
        var wallet = await (await user.GetAsync("/api/v1/me/coupons")).JsonAsync();
        Assert.Equal(3, wallet.GetProperty("items").EnumerateArray().Count(c => c.Str("templateId") == template));
    }

    [Fact]
    public async Task A_retry_is_answered_with_its_first_coupon_even_when_the_period_is_full()
    {
        var template = await TemplateAsync("Asia/Shanghai", daily: 1);
        var user = app.AsUser(EngineApp.NewId());
        var first = await user.ClaimAsync(template, key: "daily-retry");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var coupon = (await first.JsonAsync()).Id();
        await AssertRefusedAsync(await user.ClaimAsync(template), "DAY", 1, "Asia/Shanghai");

        var again = await user.ClaimAsync(template, key: "daily-retry");

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(coupon, (await again.JsonAsync()).Id());
        app.Clock.Advance(TimeSpan.FromDays(1)); // in the next period too: still its first coupon, nothing more issued
        var later = await user.ClaimAsync(template, key: "daily-retry");
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        Assert.Equal(coupon, (await later.JsonAsync()).Id());
    }

    [Fact]
    public async Task The_templates_zone_and_limits_are_answered_and_audited()
    {
        var template = await TemplateAsync("Asia/Shanghai", perUserLimit: 10, daily: 1, weekly: 3, monthly: 5);

        var read = await (await _merchant.GetAsync($"/api/v1/merchant/templates/{template}")).JsonAsync();
        Assert.Equal(("Asia/Shanghai", 1, 3, 5), (read.Str("timeZone"), read.GetProperty("perUserDailyLimit").GetInt32(),
            read.GetProperty("perUserWeeklyLimit").GetInt32(), read.GetProperty("perUserMonthlyLimit").GetInt32()));
        var history = await (await _merchant.GetAsync($"/api/v1/merchant/templates/{template}/history")).JsonAsync();
        var created = history.GetProperty("items").EnumerateArray().Single(e => e.Str("operation") == "CREATE").GetProperty("after");
        Assert.Equal("Asia/Shanghai", created.Str("timeZone"));
        Assert.Equal(3, created.GetProperty("perUserWeeklyLimit").GetInt32());
        var patch = await _merchant.PatchAsJsonAsync($"/api/v1/merchant/templates/{template}", new { perUserDailyLimit = 2 });
        await patch.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "TEMPLATE_FIELD_IMMUTABLE");
    }

    [Fact]
    public async Task An_unknown_time_zone_is_refused_with_its_own_code_and_nothing_is_created()
    {
        var now = app.Clock.GetUtcNow();
        var template = Api.ATemplate(now);
        var body = JsonSerializer.SerializeToNode(template)!.AsObject();
        body["timeZone"] = "Asia/Atlantis";

        var response = await _merchant.PostAsJsonAsync("/api/v1/merchant/templates", body);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "UNKNOWN_TIME_ZONE");
        Assert.True(problem.GetProperty("errors").TryGetProperty("timeZone", out _));
        body["perUserDailyLimit"] = 0;
        var both = await _merchant.PostAsJsonAsync("/api/v1/merchant/templates", body);
        var invalid = await both.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.True(invalid.GetProperty("errors").TryGetProperty("timeZone", out _));
        Assert.True(invalid.GetProperty("errors").TryGetProperty("perUserDailyLimit", out _));
    }
}

public sealed class PeriodLimitsOnSqlite(SqliteApp app) : PeriodLimits(app), IClassFixture<SqliteApp>;

public sealed class PeriodLimitsOnMariaDb(MariaDbApp app) : PeriodLimits(app), IClassFixture<MariaDbApp>;

/// <summary>The Redis gate also keeps its period counters where a rebuild from the database finds them again.</summary>
public sealed class PeriodLimitsOnRedis(RedisApp app) : PeriodLimits(app), IClassFixture<RedisApp>
{
    [Fact]
    public async Task A_periods_counters_are_hash_tagged_by_template_expire_after_the_period_and_are_rebuilt_from_the_database()
    {
        var now = app.Clock.GetUtcNow();
        var template = (await app.AsMerchant(EngineApp.NewId()).CreateTemplateAsync(new
        {
            name = "每日限领", currency = "CNY", scope = "PLATFORM", type = "FIXED_AMOUNT", discountAmount = 500,
            validFrom = now - TimeSpan.FromMinutes(1), validUntil = now + TimeSpan.FromDays(30), stock = 100, perUserLimit = 5,
            timeZone = "UTC", perUserDailyLimit = 1,
        })).Id();
        var userId = EngineApp.NewId();
        var user = app.AsUser(userId);
        Assert.Equal(HttpStatusCode.Created, (await user.ClaimAsync(template)).StatusCode);
        var dayStart = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var key = $"{app.KeyPrefix}:{{t:{template}}}:period:D:{dayStart.ToUnixTimeMilliseconds()}";
        await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisApp.RedisConfiguration);
        var db = redis.GetDatabase();

        var expiry = await db.KeyExpireTimeAsync(key);
        Assert.NotNull(expiry); // PEXPIRETIME: an hour after the day's end
        Assert.Equal(dayStart.AddDays(1).AddHours(1), new DateTimeOffset(expiry.Value, TimeSpan.Zero));

        // Every counter dropped (as on start or by the operator), then only the period's lost: the database still knows.
        var rebuilt = await app.AsOperator().PostAsync($"/api/v1/operator/claim-counters/rebuild?templateId={template}", null);
        Assert.Equal(HttpStatusCode.OK, rebuilt.StatusCode);
        await AssertFullAsync(user, template);
        Assert.True(await db.KeyDeleteAsync(key));
        await AssertFullAsync(user, template);
        Assert.Equal(1, (int)await db.HashGetAsync(key, userId)); // reloaded from the database
    }

    private static async Task AssertFullAsync(HttpClient user, string template) =>
        await (await user.ClaimAsync(template)).AssertProblemAsync(HttpStatusCode.Conflict, "PERIOD_LIMIT_REACHED");
}

/// <summary>On the cluster the templates of 10 000 are split over three slices: each user's period counts live on the user's slice.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class PeriodLimitsOnRedisCluster(RedisClusterApp app) : PeriodLimits(app), IClassFixture<RedisClusterApp>;
