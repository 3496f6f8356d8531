using System.Net;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests;

/// <summary>Distribution tasks end to end over HTTP, on every store: files in, coupons and failure rows out, counts exact.</summary>
public abstract class DistributionApi(EngineApp app)
{
    private readonly long _merchantId = EngineApp.NewId();
    private HttpClient Merchant => app.AsMerchant(_merchantId);

    private async Task<string> TemplateAsync(long stock = 1_000_000, int perUserLimit = 1, TimeSpan? startsIn = null) =>
        (await Merchant.CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow(), stock, perUserLimit, startsIn: startsIn))).Id();

    private static long[] NewUsers(int count) => Enumerable.Range(0, count).Select(_ => EngineApp.NewId()).ToArray();

    private async Task<T> QueryAsync<T>(string sql, object? args = null)
    {
        await using var connection = await app.Services.GetRequiredService<IDatabase>().OpenAsync(CancellationToken.None);
        return await connection.ExecuteScalarAsync<T>(sql, args) ?? throw new InvalidOperationException("No value: " + sql);
    }

    private async Task<List<JsonElement>> FailuresAsync(string task)
    {
        var all = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await (await Merchant.GetAsync(
                $"/api/v1/merchant/distribution-tasks/{task}/failures?limit=1000{(cursor is null ? "" : "&cursor=" + cursor)}")).JsonAsync();
            all.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        return all;
    }

    [Fact]
    public async Task A_few_thousand_rows_each_get_one_coupon_or_one_failure_row_with_its_reason()
    {
        var template = await TemplateAsync(perUserLimit: 1);
        var users = NewUsers(3000);
        var claimedBefore = users[10];
        await app.AsUser(claimedBefore).ClaimedCouponIdAsync(template); // already at the limit
        var rows = users.Select(u => $"{u},x").ToList();
        rows.Insert(100, "not-a-user,x");
        rows.Insert(200, ",x");
        rows.Insert(300, "-5,x");
        rows.Insert(400, $"{users[0]},again");  // a repeat of the first recipient
        rows.Insert(500, "");                    // a blank line is skipped, not a row

        var task = await Merchant.CreateTaskAsync(Distributions.Form(template, Distributions.Csv(rows), notify: "SMS,in_app"));
        var done = await Merchant.UntilAsync(task, "SUCCEEDED");

        Assert.Equal(3004, done.Long("totalRows"));
        Assert.Equal(3004, done.Long("processed"));
        Assert.Equal(2999, done.Long("issued"));
        Assert.Equal(5, done.Long("failed"));
        Assert.Equal(["IN_APP", "SMS"], done.GetProperty("notify").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal("CSV", done.Str("fileFormat"));
        Assert.True(done.TryGetProperty("finishedAt", out var finished) && finished.ValueKind == JsonValueKind.String);

        // The engine's own records agree, row for row.
        Assert.Equal(3000, await QueryAsync<long>("SELECT COUNT(*) FROM en_user_coupons WHERE template_id = @T", new { T = long.Parse(template) }));
        Assert.Equal(
            3000,
            await QueryAsync<long>("SELECT issued FROM en_template_issuance WHERE template_id = @T", new { T = long.Parse(template) }));
        Assert.Equal(0, await QueryAsync<long>(
            "SELECT COUNT(*) FROM (SELECT user_id FROM en_user_coupons WHERE template_id = @T GROUP BY user_id HAVING COUNT(*) > 1) " +
                "twice", new { T = long.Parse(template) }));
        // CouponClaimed/CouponPushed events: recorded in the chunk's transaction; since main's relay publishes and
        // removes outbox rows, they are no longer counted here (see the report: a consumer-side tally is to come).

        var failures = await FailuresAsync(task);
        Assert.Equal(
            [(102L, "not-a-user", "INVALID_USER_ID"), (202, "", "INVALID_USER_ID"), (302, "-5", "INVALID_USER_ID"), (402, users[0]
                .ToString(), "DUPLICATE_ROW"),
             (12, claimedBefore.ToString(), "USER_LIMIT_REACHED")],
            failures.Select(f => (f.Long("rowNumber"), f.Str("rawValue"), f.Str("reason"))).OrderBy(f => f.Item3 == "USER_LIMIT_REACHED").ToList());

        var csv = await Merchant.GetStringAsync($"/api/v1/merchant/distribution-tasks/{task}/failures?format=csv");
        var lines = csv.TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("rowNumber,rawValue,reason", lines[0]);
        Assert.Equal(6, lines.Length);
        Assert.Contains("302,'-5,INVALID_USER_ID", lines); // a leading minus would be a formula in a spreadsheet

        var xlsx = await Merchant.GetAsync($"/api/v1/merchant/distribution-tasks/{task}/failures?format=xlsx");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Content.Headers.ContentType?.MediaType);
        var sheet = (await xlsx.Content.ReadAsStreamAsync()).Query(useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();
        Assert.Equal(5, sheet.Count);
        Assert.Contains(sheet, r => Convert.ToInt64(r["rowNumber"]) == 402 && (string)r["reason"] == "DUPLICATE_ROW");
    }

    [Fact]
    public async Task When_stock_runs_out_the_remaining_rows_fail_out_of_stock_and_the_task_succeeds()
    {
        var template = await TemplateAsync(stock: 250);
        var users = NewUsers(600);
        var task = await Merchant.CreateTaskAsync(Distributions.Form(template, Distributions.CsvOfUsers(users)));
        var done = await Merchant.UntilAsync(task, "SUCCEEDED");

        Assert.Equal(250, done.Long("issued"));
        Assert.Equal(350, done.Long("failed"));
        var failures = await FailuresAsync(task);
        Assert.Equal(350, failures.Count);
        Assert.All(failures, f => Assert.Equal("OUT_OF_STOCK", f.Str("reason")));
        Assert.Equal(250, await QueryAsync<long>("SELECT COUNT(*) FROM en_user_coupons WHERE template_id = @T", new { T = long.Parse(template) }));
        await (await app.AsUser(EngineApp.NewId()).ClaimAsync(template)).AssertProblemAsync(HttpStatusCode.Conflict, "OUT_OF_STOCK");
    }

    [Fact]
    public async Task An_xlsx_file_is_read_like_a_csv_one()
    {
        var template = await TemplateAsync();
        var users = NewUsers(450);
        var cells = users.Select(u => (object?)u.ToString()).ToList();
        cells[3] = 12.5;   // a number that is no id
        cells[7] = (double)users[7]; // a numeric cell holding an id
        var task = await Merchant.CreateTaskAsync(Distributions.Form(template, Distributions.Xlsx(cells), "list.xlsx"));
        var done = await Merchant.UntilAsync(task, "SUCCEEDED");

        Assert.Equal("XLSX", done.Str("fileFormat"));
        Assert.Equal(450, done.Long("totalRows"));
        Assert.Equal(449, done.Long("issued"));
        var failure = Assert.Single(await FailuresAsync(task));
        Assert.Equal((5L, "12.5", "INVALID_USER_ID"), (failure.Long("rowNumber"), failure.Str("rawValue"), failure.Str("reason")));
    }

    [Fact]
    public async Task A_file_that_cannot_be_a_recipients_file_is_refused_at_once_and_nothing_is_stored()
    {
        var template = await TemplateAsync();
        async Task Refused(byte[] file, string name, string expected)
        {
            var response = await Merchant.PostAsync("/api/v1/merchant/distribution-tasks", Distributions.Form(template, file, name));
            var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "RECIPIENTS_FILE_INVALID");
            Assert.Contains(expected, problem.GetProperty("errors").GetProperty("file")[0].GetString());
        }

        await Refused(Distributions.Csv(["1,2"], header: "phone,email"), "wrong.csv", "no user id column");
        await Refused(Distributions.Csv([], header: "userId"), "header-only.csv", "no recipient rows");
        await Refused([0x00, 0x01, 0x02, 0xFF, 0x00, 0x7F], "garbage.bin", "binary");
        await Refused("PK\u0003\u0004 not really a zip"u8.ToArray(), "fake.xlsx", "not a readable .xlsx");
        var empty = await Merchant.PostAsync("/api/v1/merchant/distribution-tasks", Distributions.Form(template, []));
        await empty.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_FAILED");

        var noForm = await Merchant.PostAsync("/api/v1/merchant/distribution-tasks", new StringContent("{}", Encoding.UTF8, "application/json"));
        await noForm.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
        var bad = Distributions.Form("abc", Distributions.CsvOfUsers([1]), name: "", startAt: app.Clock.GetUtcNow().AddDays(-1), notify: "PIGEON");
        var invalid = await (await Merchant.PostAsync("/api/v1/merchant/distribution-tasks", bad)).AssertProblemAsync(
            HttpStatusCode.BadRequest,
            "VALIDATION_FAILED");
        Assert.Equal(["name", "notify", "startAt", "templateId"], invalid.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());

        var page = await (await Merchant.GetAsync("/api/v1/merchant/distribution-tasks")).JsonAsync();
        Assert.Equal(0, page.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_workbook_bomb_is_refused_with_413_naming_its_budget_and_nothing_is_stored()
    {
        var template = await TemplateAsync();
        var bomb = Distributions.XlsxBomb();
        Assert.True(bomb.Length < 1_000_000, $"the bomb is {bomb.Length} bytes");
        var response = await Merchant.PostAsync("/api/v1/merchant/distribution-tasks", Distributions.Form(template, bomb, "bomb.xlsx"));
        var problem = await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "RECIPIENTS_FILE_LIMIT_EXCEEDED");
        Assert.Equal("COMPRESSION_RATIO", problem.Str("limit"));
        Assert.Contains("zip bomb", problem.GetProperty("errors").GetProperty("file")[0].GetString());
        Assert.Equal(0, (await (await Merchant.GetAsync("/api/v1/merchant/distribution-tasks")).JsonAsync()).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_task_cannot_run_against_another_merchants_template_or_a_closed_one()
    {
        var othersTemplate = (await app.AsMerchant(EngineApp.NewId()).CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow()))).Id();
        var file = Distributions.CsvOfUsers(NewUsers(3));
        await (await Merchant.PostAsync("/api/v1/merchant/distribution-tasks", Distributions.Form(othersTemplate, file)))
            .AssertProblemAsync(HttpStatusCode.NotFound, "TEMPLATE_NOT_FOUND");

        var stopped = await TemplateAsync();
        await Merchant.PostAsync($"/api/v1/merchant/templates/{stopped}/terminate", null);
        await (await Merchant.PostAsync("/api/v1/merchant/distribution-tasks", Distributions.Form(stopped, file)))
            .AssertProblemAsync(HttpStatusCode.Conflict, "TEMPLATE_TERMINATED");

        var later = await TemplateAsync(startsIn: TimeSpan.FromDays(2));
        var early = await (await Merchant.PostAsync("/api/v1/merchant/distribution-tasks", Distributions.Form(later, file)))
            .AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "START_OUTSIDE_TEMPLATE_WINDOW");
        Assert.Equal("startAt", early.Str("field"));

        // Another merchant cannot see or stop this merchant's task.
        var mine = await Merchant.CreateTaskAsync(Distributions.Form(await TemplateAsync(), file, startAt: app.Clock.GetUtcNow().AddHours(1)));
        var stranger = app.AsMerchant(EngineApp.NewId());
        await (await stranger.GetAsync($"/api/v1/merchant/distribution-tasks/{mine}")).AssertProblemAsync(
            HttpStatusCode.NotFound,
            "DISTRIBUTION_TASK_NOT_FOUND");
        await (await stranger.PostAsync($"/api/v1/merchant/distribution-tasks/{mine}/cancel", null)).AssertProblemAsync(
            HttpStatusCode.NotFound,
            "DISTRIBUTION_TASK_NOT_FOUND");
        await (await app.AsUser(EngineApp.NewId()).GetAsync($"/api/v1/merchant/distribution-tasks/{mine}")).AssertProblemAsync(
            HttpStatusCode.Forbidden,
            "FORBIDDEN");
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_returns_the_first_task()
    {
        var template = await TemplateAsync();
        var file = Distributions.CsvOfUsers(NewUsers(5));
        async Task<HttpResponseMessage> Send(byte[] body)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/merchant/distribution-tasks") {
                Content = Distributions.Form(template, body) };
            request.Headers.Add("Idempotency-Key", "push-1");
            return await Merchant.SendAsync(request);
        }

        var first = await Send(file);
        var again = await Send(file);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal((await first.JsonAsync()).Id(), (await again.JsonAsync()).Id());
        await (await Send(Distributions.CsvOfUsers(NewUsers(5)))).AssertProblemAsync(HttpStatusCode.Conflict, "IDEMPOTENCY_KEY_REUSED");
        Assert.Single((await (await Merchant.GetAsync("/api/v1/merchant/distribution-tasks")).JsonAsync()).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Pause_stops_between_chunks_resume_finishes_exactly_and_cancel_keeps_what_was_issued()
    {
        // The template's workers stop after each chunk they commit, until released: the task cannot finish before the
        // pause, and nothing can commit while the test compares the pause's answer with the database.
        var gate = app.Services.GetRequiredService<ChunkGate>();
        var template = await TemplateAsync();
        gate.Hold(template);
        try
        {
            var task = await Merchant.CreateTaskAsync(Distributions.Form(template, Distributions.CsvOfUsers(NewUsers(4000))));
            await Merchant.UntilAsync(task, t => t.Long("processed") > 0, "a chunk committed");

            var pause = await Merchant.PostAsync($"/api/v1/merchant/distribution-tasks/{task}/pause", null);
            var paused = await pause.JsonAsync();
            Assert.True(pause.StatusCode == HttpStatusCode.OK, paused.ToString());
            Assert.Equal("PAUSED", paused.Str("status"));
            Assert.InRange(paused.Long("processed"), 100, 400); // one chunk per worker at most: they are held after it
            // The counts answered are final: exactly what the database holds.
            Assert.Equal(
                paused.Long("issued"),
                await QueryAsync<long>("SELECT COUNT(*) FROM en_user_coupons WHERE template_id = @T", new { T = long.Parse(template) }));
            Assert.Equal(paused.Long("processed"), (await Merchant.TaskAsync(task)).Long("processed"));
            Assert.Equal(HttpStatusCode.OK, (await Merchant.PostAsync($"/api/v1/merchant/distribution-tasks/{task}/pause", null)).StatusCode);

            var resume = await Merchant.PostAsync($"/api/v1/merchant/distribution-tasks/{task}/resume", null);
            var resumed = await resume.JsonAsync();
            Assert.True(resume.StatusCode == HttpStatusCode.OK, resumed.ToString());
            Assert.Equal("RUNNING", resumed.Str("status"));
            gate.Release(template);
            var done = await Merchant.UntilAsync(task, "SUCCEEDED");
            // Every row decided once: a chunk redone after the pause would show as processed > 4000 or failed rows.
            Assert.Equal((4000L, 4000L, 0L), (done.Long("processed"), done.Long("issued"), done.Long("failed")));
            Assert.Equal(
                4000,
                await QueryAsync<long>("SELECT COUNT(*) FROM en_user_coupons WHERE template_id = @T", new { T = long.Parse(template) }));
            var finished = await (await Merchant.PostAsync($"/api/v1/merchant/distribution-tasks/{task}/cancel", null))
                .AssertProblemAsync(HttpStatusCode.Conflict, "TASK_STATUS_DOES_NOT_ALLOW");
            Assert.Equal("SUCCEEDED", finished.Str("currentStatus"));
        }
        finally
        {
            gate.Release(template);
        }

        // Cancelled mid-run: what was issued stays, the counts in the answer are final.
        var second = await TemplateAsync();
        gate.Hold(second);
        try
        {
            var other = await Merchant.CreateTaskAsync(Distributions.Form(second, Distributions.CsvOfUsers(NewUsers(4000))));
            await Merchant.UntilAsync(other, t => t.Long("processed") > 0, "a chunk committed");
            var cancel = await Merchant.PostAsync($"/api/v1/merchant/distribution-tasks/{other}/cancel", null);
            var cancelled = await cancel.JsonAsync();
            Assert.True(cancel.StatusCode == HttpStatusCode.OK, cancelled.ToString());
            Assert.Equal("CANCELLED", cancelled.Str("status"));
            Assert.InRange(cancelled.Long("issued"), 100, 400);
            Assert.Equal(
                cancelled.Long("issued"),
                await QueryAsync<long>("SELECT COUNT(*) FROM en_user_coupons WHERE template_id = @T", new { T = long.Parse(second) }));
            Assert.Equal(cancelled.Long("issued"), (await Merchant.TaskAsync(other)).Long("issued"));
            await (await Merchant.PostAsync($"/api/v1/merchant/distribution-tasks/{other}/resume", null)).AssertProblemAsync(
                HttpStatusCode.Conflict,
                "TASK_STATUS_DOES_NOT_ALLOW");
        }
        finally
        {
            gate.Release(second);
        }
    }

    [Fact]
    public async Task A_scheduled_task_waits_for_its_time_and_can_be_cancelled_before_it()
    {
        var template = await TemplateAsync();
        var startAt = app.Clock.GetUtcNow().AddHours(2);
        var task = await Merchant.CreateTaskAsync(Distributions.Form(template, Distributions.CsvOfUsers(NewUsers(30)), startAt: startAt));
        var counted = await Merchant.UntilAsync(
            task,
            t => t.TryGetProperty("totalRows", out var total) && total.ValueKind == JsonValueKind.Number,
            "counted");
        Assert.Equal("SCHEDULED", counted.Str("status"));
        Assert.Equal(30, counted.Long("totalRows"));
        await (await Merchant.PostAsync($"/api/v1/merchant/distribution-tasks/{task}/pause", null)).AssertProblemAsync(
            HttpStatusCode.Conflict,
            "TASK_STATUS_DOES_NOT_ALLOW");

        var cancelled = await Merchant.CreateTaskAsync(Distributions.Form(template, Distributions.CsvOfUsers(NewUsers(30)), startAt: startAt));
        Assert.Equal(
            "CANCELLED",
            (await (await Merchant.PostAsync($"/api/v1/merchant/distribution-tasks/{cancelled}/cancel", null)).JsonAsync()).Str("status"));

        app.Clock.Advance(TimeSpan.FromHours(2));
        var done = await Merchant.UntilAsync(task, "SUCCEEDED");
        Assert.Equal(30, done.Long("issued"));
        Assert.Equal(startAt.ToUnixTimeMilliseconds(), done.GetProperty("startedAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.Equal("CANCELLED", (await Merchant.TaskAsync(cancelled)).Str("status"));
        Assert.Equal(30, await QueryAsync<long>("SELECT COUNT(*) FROM en_user_coupons WHERE template_id = @T", new { T = long.Parse(template) }));

        var list = await (await Merchant.GetAsync("/api/v1/merchant/distribution-tasks?status=CANCELLED&limit=1")).JsonAsync();
        Assert.Equal(cancelled, Assert.Single(list.GetProperty("items").EnumerateArray()).Id());
    }
}

public sealed class DistributionApiOnSqlite(DistributionApiOnSqlite.App app) : DistributionApi(app), IClassFixture<DistributionApiOnSqlite.App>
{
    public sealed class App : SqliteApp
    {
        public App() => ChunkGate.Install(this);
    }
}

public sealed class DistributionApiOnMariaDb(DistributionApiOnMariaDb.App app) : DistributionApi(app), IClassFixture<DistributionApiOnMariaDb.App>
{
    public sealed class App : MariaDbApp
    {
        public App() => ChunkGate.Install(this);
    }
}
