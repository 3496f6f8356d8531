using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.System.Tests.Infrastructure;
using StackExchange.Redis;

namespace PromotionEngine.System.Tests;

/// <summary>What the database holds for one distribution task, checked against each other: exactly one coupon per row issued.</summary>
internal sealed record DistributedState(string Status, long Issued, long Failed, long Coupons, long DistinctUsers, long IssuedCounter, long ClaimRows,
    long ShardProcessed)
{
    public static async Task<DistributedState> ReadAsync(string connectionString, string task, string template)
    {
        await using var c = new MySqlConnection(connectionString);
        var t = long.Parse(task);
        var tpl = long.Parse(template);
        return new DistributedState(
            await c.ExecuteScalarAsync<string>("SELECT status FROM di_tasks WHERE id = @t", new { t }) ?? "",
            await c.ExecuteScalarAsync<long>("SELECT COALESCE(SUM(issued), 0) FROM di_shards WHERE task_id = @t", new { t }),
            await c.ExecuteScalarAsync<long>("SELECT COALESCE(SUM(failed), 0) FROM di_shards WHERE task_id = @t", new { t }),
            await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM en_user_coupons WHERE template_id = @tpl", new { tpl }),
            await c.ExecuteScalarAsync<long>("SELECT COUNT(DISTINCT user_id) FROM en_user_coupons WHERE template_id = @tpl", new { tpl }),
            await c.ExecuteScalarAsync<long?>("SELECT issued FROM en_template_issuance WHERE template_id = @tpl", new { tpl }) ?? 0,
            await c.ExecuteScalarAsync<long>("SELECT COALESCE(SUM(claimed), 0) FROM en_user_template_claims WHERE template_id = @tpl", new { tpl }),
            await c.ExecuteScalarAsync<long>("SELECT COALESCE(SUM(processed), 0) FROM di_shards WHERE task_id = @t", new { t }));
    }

    /// <summary>Every row got exactly one coupon: none lost, none twice, every counter and event in step.</summary>
    public void AssertExactlyOnce(long rows)
    {
        Assert.Equal("SUCCEEDED", Status);
        Assert.Equal(rows, ShardProcessed);
        Assert.Equal(rows, Issued);
        Assert.Equal(0, Failed);
        Assert.Equal(rows, Coupons);
        Assert.Equal(rows, DistinctUsers);
        Assert.Equal(rows, IssuedCounter);
        Assert.Equal(rows, ClaimRows);
    }
}

/// <summary>Two engine instances on one database share a task's shards; neither issues what the other did.</summary>
public sealed class DistributionSharedByTwoInstances
{
    [Trait("Category", "Slow")] // 20 000 rows through two instances
    [Fact]
    public async Task Two_instances_work_one_task_together_and_every_row_gets_exactly_one_coupon()
    {
        var database = "promo_test_dist2_" + Guid.NewGuid().ToString("N")[..8];
        var first = ChunkGate.Install(new MariaDbApp(database, workerId: null));
        var second = ChunkGate.Install(new MariaDbApp(database, workerId: null).SharingClockWith(first));
        foreach (var app in new[] { first, second })
        {
            app.Settings["Distribution:Workers"] = "2";
            app.Settings["Distribution:MaxShards"] = "4";
            app.Settings["Distribution:ChunkSize"] = "50";
        }
        try
        {
            await first.InitializeAsync();
            await second.InitializeAsync();
            var merchant = first.AsMerchant(EngineApp.NewId());
            var template = (await merchant.CreateTemplateAsync(Api.ATemplate(first.Clock.GetUtcNow(), stock: 1_000_000))).Id();
            var users = Enumerable.Range(0, 20_000).Select(_ => EngineApp.NewId()).ToArray();
            // Each worker stops after its first chunk until every shard has had one: then each instance's two workers
            // hold two of the four shards, whichever instance started first or runs faster.
            var gates = new[] { first, second }.Select(app => app.Services.GetRequiredService<ChunkGate>()).ToList();
            gates.ForEach(g => g.Hold(template));
            var task = await merchant.CreateTaskAsync(Distributions.Form(template, Distributions.CsvOfUsers(users)));
            await using (var shards = new MySqlConnection(first.ConnectionString))
                await Eventually(() => shards.ExecuteScalarAsync<long>(
                    "SELECT COUNT(*) FROM di_shards WHERE task_id = @T AND next_chunk > first_chunk",
                    new { T = long.Parse(task) }), committed => committed >= 4, Seconds(60), "each of the four shards to commit a chunk");
            gates.ForEach(g => g.Release(template));
            await merchant.UntilAsync(task, "SUCCEEDED");

            (await DistributedState.ReadAsync(first.ConnectionString, task, template)).AssertExactlyOnce(users.Length);
            await using var connection = new MySqlConnection(first.ConnectionString);
            var workers = (await connection.QueryAsync<string>("SELECT completed_by FROM di_shards WHERE task_id = @T", new { T = long.Parse(task) }))
                .Select(owner => owner[..owner.IndexOf('#')]).Distinct().Count();
            Assert.Equal(2, workers); // each instance completed shards of the task
        }
        finally
        {
            await ((IAsyncLifetime)second).DisposeAsync();
            await ((IAsyncLifetime)first).DisposeAsync();
        }
    }

    [Fact]
    public async Task A_scheduled_task_starts_on_time_after_the_instance_that_accepted_it_was_restarted()
    {
        var database = "promo_test_dist_sched_" + Guid.NewGuid().ToString("N")[..8];
        var before = new MariaDbApp(database, workerId: null);
        await before.InitializeAsync();
        var merchantId = EngineApp.NewId();
        var merchant = before.AsMerchant(merchantId);
        var template = (await merchant.CreateTemplateAsync(Api.ATemplate(before.Clock.GetUtcNow(), stock: 1000))).Id();
        var startAt = before.Clock.GetUtcNow().AddHours(3);
        var task = await merchant.CreateTaskAsync(Distributions.Form(
            template, Distributions.CsvOfUsers(Enumerable.Range(0, 120).Select(_ => EngineApp.NewId())), startAt: startAt));
        await merchant.UntilAsync(task, t => t.GetProperty("totalRows").ValueKind == JsonValueKind.Number, "counted");
        before.Dispose(); // the process stops; the database stays

        var after = new MariaDbApp(database, workerId: null);
        try
        {
            await after.InitializeAsync();
            var again = after.AsMerchant(merchantId);
            Assert.Equal("SCHEDULED", (await again.TaskAsync(task)).Str("status"));
            after.Clock.SetUtcNow(startAt.AddMinutes(-1));
            await SchedulerPassedAsync(again, template); // a pass with the clock a minute early: it must not start
            Assert.Equal("SCHEDULED", (await again.TaskAsync(task)).Str("status"));
            after.Clock.SetUtcNow(startAt);
            var done = await again.UntilAsync(task, "SUCCEEDED");
            Assert.Equal(120, done.Long("issued"));
            Assert.Equal(startAt.ToUnixTimeMilliseconds(), done.GetProperty("startedAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
        }
        finally
        {
            await ((IAsyncLifetime)after).DisposeAsync();
        }
    }

    /// <summary>
    /// Returns once the instance's scheduler has made a whole pass with its clock as it stands now, instead of sleeping
    /// through "several passes". A witness task made now with no start time is due at once, so some pass starts it: that
    /// pass read the clock after it was set (the witness was not due before). A second witness, made once the first has
    /// started, can only be started by a later pass, and passes follow one another in the instance's one scheduler loop:
    /// whatever the first pass found due, it has started by then. Only the scheduler starts tasks.
    /// </summary>
    private static async Task SchedulerPassedAsync(HttpClient merchant, string template)
    {
        foreach (var witness in new[] { "first witness", "second witness" })
        {
            var id = await merchant.CreateTaskAsync(Distributions.Form(template, Distributions.CsvOfUsers([EngineApp.NewId()]), name: witness));
            await merchant.UntilAsync(id, t => t.Str("status") != "SCHEDULED", $"{witness} started");
        }
    }
}

/// <summary>The engine process killed (SIGKILL) in the middle of a task and started again: the counts come out exact.</summary>
[Trait("Category", "Slow")] // SIGKILLs a Host process in a 40 000-row task
public sealed class DistributionKilled
{
    private const int Rows = 40_000;

    [Fact]
    public async Task Killed_mid_task_the_restarted_engine_takes_over_the_shards_and_issues_every_coupon_exactly_once()
    {
        var database = "promo_test_dkill_" + Guid.NewGuid().ToString("N")[..8];
        var connectionString = new MySqlConnectionStringBuilder(MariaDbApp.ServerConnectionString) { Database = database }.ConnectionString;
        var settings = new Dictionary<string, string>
        {
            ["Promotion:Database:Provider"] = "MySql",
            ["Promotion:Database:ConnectionString"] = connectionString,
            ["Promotion:DataDirectory"] = Path.Combine(Path.GetTempPath(), database),
            ["Promotion:Auth:SigningKey"] = Convert.ToBase64String(EngineApp.SigningKey),
            ["Distribution:ChunkSize"] = "100",
            ["Distribution:LeaseDuration"] = "00:00:02",
            ["Distribution:PollInterval"] = "00:00:00.100",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        try
        {
            string task, template;
            long heldBack;
            await using (var first = await HostProcess.StartAsync(settings))
            {
                var merchant = Client(first);
                template = (await merchant.CreateTemplateAsync(Api.ATemplate(DateTimeOffset.UtcNow, stock: 1_000_000))).Id();
                // The task cannot finish before the kill: the last recipient's chunk waits on a lock the test holds on that
                // recipient's claim counter, a row the engine locks before it reads. Every recipient has its row already
                // (claimed = 0, as the engine creates them), so the engine locks each chunk's rows by key, not the table.
                var users = Enumerable.Range(0, Rows).Select(_ => EngineApp.NewId()).ToArray();
                await using var blocker = new MySqlConnection(connectionString);
                await blocker.OpenAsync();
                foreach (var batch in users.Chunk(1000))
                    await blocker.ExecuteAsync("INSERT INTO en_user_template_claims (user_id, template_id, claimed) VALUES " +
                        string.Join(",", batch.Select(u => $"({u}, {template}, 0)")));
                await using var hold = await blocker.BeginTransactionAsync();
                await blocker.ExecuteAsync("SELECT claimed FROM en_user_template_claims WHERE user_id = @U AND template_id = @T FOR UPDATE",
                    new { U = users[^1], T = long.Parse(template) }, hold);
                heldBack = users[^1];
                task = await merchant.CreateTaskAsync(Distributions.Form(template, Distributions.CsvOfUsers(users)));
                await merchant.UntilAsync(task, t => t.Long("processed") >= 2000, "2000 rows processed");
                await first.KillAsync();
                await hold.RollbackAsync();
            }
            var atKill = await DistributedState.ReadAsync(connectionString, task, template);
            Assert.True(atKill.ShardProcessed < Rows, $"the task finished before the engine was killed: {atKill}");
            await using (var check = new MySqlConnection(connectionString))
                Assert.Equal(0, await check.ExecuteScalarAsync<long>(
                    "SELECT claimed FROM en_user_template_claims WHERE user_id = @U AND template_id = @T",
                    new { U = heldBack, T = long.Parse(template) })); // the held-back chunk never committed
            Assert.Equal(atKill.Issued, atKill.Coupons); // what was committed is whole: coupons, counters and checkpoints agree

            await using var second = await HostProcess.StartAsync(settings);
            await Client(second).UntilAsync(task, t => t.Str("status") == "SUCCEEDED", "SUCCEEDED", seconds: 120);
            (await DistributedState.ReadAsync(connectionString, task, template)).AssertExactlyOnce(Rows);
        }
        finally
        {
            await using var connection = new MySqlConnection(MariaDbApp.ServerConnectionString);
            await connection.OpenAsync();
            await new MySqlCommand($"DROP DATABASE IF EXISTS `{database}`", connection).ExecuteNonQueryAsync();
        }
    }

    private static HttpClient Client(HostProcess host)
    {
        var client = host.CreateClient(TimeSpan.FromSeconds(60));
        client.DefaultRequestHeaders.Authorization
            = new AuthenticationHeaderValue("Bearer", EngineApp.Tokens.Issue(CallerRole.Merchant, "77", TimeSpan.FromHours(1)));
        return client;
    }
}

/// <summary>An embedded-default app whose file limits are small, to see what happens past them.</summary>
public sealed class SmallLimitsApp : SqliteApp
{
    public SmallLimitsApp()
    {
        Settings["Distribution:MaxRows"] = "1000";
        Settings["Distribution:MaxFileBytes"] = "65536";
    }
}

/// <summary>Files past the limits: a clear answer, nothing issued, nothing stuck.</summary>
public sealed class DistributionLimits(SmallLimitsApp app) : IClassFixture<SmallLimitsApp>
{
    [Fact]
    public async Task A_file_with_more_rows_than_allowed_fails_its_task_before_anything_is_issued()
    {
        var merchant = app.AsMerchant(EngineApp.NewId());
        var template = (await merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow(), stock: 10_000))).Id();
        var task = await merchant.CreateTaskAsync(
            Distributions.Form(template, Distributions.Csv(Enumerable.Range(1, 1001).Select(i => i.ToString()), "uid")));
        var failed = await merchant.UntilAsync(task, "FAILED");
        Assert.Equal("TOO_MANY_ROWS", failed.Str("failureCode"));
        Assert.Contains("more than 1000", failed.Str("failureDetail"));
        Assert.Equal(0, failed.Long("issued"));
        Assert.Equal(0, (await (await merchant.GetAsync($"/api/v1/merchant/templates/{template}")).JsonAsync()).Long("issued"));
        await (await merchant.PostAsync($"/api/v1/merchant/distribution-tasks/{task}/cancel", null)).AssertProblemAsync(
            HttpStatusCode.Conflict, "TASK_STATUS_DOES_NOT_ALLOW");

        var fits = await merchant.CreateTaskAsync(
            Distributions.Form(template, Distributions.Csv(Enumerable.Range(1, 1000).Select(i => i.ToString()), "uid")));
        Assert.Equal(1000, (await merchant.UntilAsync(fits, "SUCCEEDED")).Long("issued"));
    }

    [Fact]
    public async Task A_file_larger_than_allowed_is_refused_with_413_and_nothing_is_stored()
    {
        var merchant = app.AsMerchant(EngineApp.NewId());
        var template = (await merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow()))).Id();
        var big = Distributions.CsvOfUsers(Enumerable.Range(1, 10_000).Select(i => (long)i)); // about 190 KB
        var response = await merchant.PostAsync("/api/v1/merchant/distribution-tasks", Distributions.Form(template, big));
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "RECIPIENTS_FILE_TOO_LARGE");
        Assert.Empty((await (await merchant.GetAsync("/api/v1/merchant/distribution-tasks")).JsonAsync()).GetProperty("items").EnumerateArray());
    }
}

/// <summary>
/// With the default limits, a ten-million-row file is accepted (it fits the size limit) and fails TOO_MANY_ROWS,
/// streaming throughout.
/// </summary>
[Trait("Category", "Slow")] // writes and uploads a 10-million-row file
public sealed class DistributionTenMillionRows(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task A_ten_million_row_file_fails_its_task_with_too_many_rows_and_never_runs()
    {
        var merchant = app.AsMerchant(EngineApp.NewId());
        var template = (await merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow()))).Id();
        var path = Path.Combine(Path.GetTempPath(), $"ten-million-{Guid.NewGuid():N}.csv");
        try
        {
            await using (var writer = new StreamWriter(path))
            {
                await writer.WriteLineAsync("userId");
                for (var i = 1; i <= 10_000_000; i++) await writer.WriteLineAsync(i.ToString());
            }
            await using var file = File.OpenRead(path);
            var form = new MultipartFormDataContent { { new StringContent(template), "templateId" }, { new StringContent("Everyone"), "name" } };
            form.Add(new StreamContent(file), "file", "everyone.csv");
            var created = await merchant.PostAsync("/api/v1/merchant/distribution-tasks", form);
            Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
            var task = (await created.JsonAsync()).Id();
            var failed = await merchant.UntilAsync(task, t => t.Str("status") == "FAILED", "FAILED", seconds: 120);
            Assert.Equal("TOO_MANY_ROWS", failed.Str("failureCode"));
            Assert.Equal(0, failed.Long("issued"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}

/// <summary>With the Redis claim gate, the counters follow distributed coupons: claims after a task are decided right in Redis.</summary>
public sealed class DistributionWithRedisCounters(RedisApp app) : IClassFixture<RedisApp>
{
    [Fact]
    public async Task Coupons_a_task_issued_count_in_the_redis_counters_so_claims_after_it_respect_stock_and_limits()
    {
        var merchant = app.AsMerchant(EngineApp.NewId());
        var template = (await merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow(), stock: 50, perUserLimit: 1))).Id();
        await app.AsUser(EngineApp.NewId()).ClaimedCouponIdAsync(template); // the counters are loaded in Redis now
        var users = Enumerable.Range(0, 30).Select(_ => EngineApp.NewId()).ToArray();
        var task = await merchant.CreateTaskAsync(Distributions.Form(template, Distributions.CsvOfUsers(users)));
        Assert.Equal(30, (await merchant.UntilAsync(task, "SUCCEEDED")).Long("issued"));

        await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisApp.RedisConfiguration);
        var db = redis.GetDatabase();
        var tag = $"{app.KeyPrefix}:{{t:{template}}}";
        Assert.Equal(31, (long)await db.StringGetAsync(tag + ":issued"));
        Assert.Equal(1, (long)await db.HashGetAsync(tag + ":users", users[7]));

        await (await app.AsUser(users[7]).ClaimAsync(template)).AssertProblemAsync(HttpStatusCode.Conflict, "USER_LIMIT_REACHED");
        var rest = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => app.AsUser(EngineApp.NewId()).ClaimAsync(template)));
        Assert.Equal(19, rest.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(50, (long)await db.StringGetAsync(tag + ":issued"));
        Assert.Equal(50, (await (await merchant.GetAsync($"/api/v1/merchant/templates/{template}")).JsonAsync()).Long("issued"));
    }
}

/// <summary>On a Redis Cluster with the template split over three slices: each distributed coupon counts on its user's slice.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class DistributionWithRedisCountersOnCluster(RedisClusterApp app) : IClassFixture<RedisClusterApp>
{
    [Fact]
    public async Task Coupons_a_task_issued_count_on_their_users_slices_so_claims_after_it_respect_stock_and_limits()
    {
        var merchant = app.AsMerchant(EngineApp.NewId());
        var template = (await merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow(), stock: 60, perUserLimit: 1))).Id();
        await app.AsUser(EngineApp.NewId()).ClaimedCouponIdAsync(template); // every slice's counters are loaded in Redis now
        var users = Enumerable.Range(0, 30).Select(_ => EngineApp.NewId()).ToArray();
        var task = await merchant.CreateTaskAsync(Distributions.Form(template, Distributions.CsvOfUsers(users)));
        Assert.Equal(30, (await merchant.UntilAsync(task, "SUCCEEDED")).Long("issued"));

        await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisClusterApp.ClusterConfiguration);
        var db = redis.GetDatabase();
        async Task<long> IssuedAsync()
        {
            var sum = 0L;
            for (var slice = 0; slice < 3; slice++)
                sum += (long)await db.StringGetAsync(SlicedClaimsOnRedisCluster.SliceKey(app.KeyPrefix, template, slice, "issued"));
            return sum;
        }
        Assert.Equal(31, await IssuedAsync());
        var counted = new List<long>();
        for (var slice = 0; slice < 3; slice++)
        {
            var claimed = await db.HashGetAsync(SlicedClaimsOnRedisCluster.SliceKey(app.KeyPrefix, template, slice, "users"), users[7]);
            counted.Add(claimed.IsNull ? 0 : (long)claimed);
        }
        Assert.Equal(1, counted.Sum()); // on one slice only: the user's home
        // The task's users spread over the slices, as their homes do (all 30 on one of three would be a 1 in 10^14 chance).
        var holding = 0;
        for (var slice = 0; slice < 3; slice++)
        {
            var key = SlicedClaimsOnRedisCluster.SliceKey(app.KeyPrefix, template, slice, "users");
            if ((await db.HashGetAsync(key, users.Select(u => (RedisValue)u).ToArray())).Any(v => !v.IsNull)) holding++;
        }
        Assert.True(holding >= 2, $"the distributed users are counted on {holding} slice(s)");

        await (await app.AsUser(users[7]).ClaimAsync(template)).AssertProblemAsync(HttpStatusCode.Conflict, "USER_LIMIT_REACHED");
        var rest = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => app.AsUser(EngineApp.NewId()).ClaimAsync(template)));
        Assert.Equal(29, rest.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(60, await IssuedAsync());
        Assert.Equal(60, (await (await merchant.GetAsync($"/api/v1/merchant/templates/{template}")).JsonAsync()).Long("issued"));
    }
}
