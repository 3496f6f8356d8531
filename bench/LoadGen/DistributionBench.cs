using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MySqlConnector;

/// <summary>
/// The distribution benchmark's two measurements: a task of N recipients through the engine (upload, import,
/// chunked issue with counters, events and checkpoints), and MariaDB's own LOAD DATA LOCAL INFILE of N
/// user-coupon rows into the same table, the physical limit of writing those rows at all.
/// </summary>
internal static class DistributionBench
{
    public const long UserBase = 5_000_000_000;

    public static async Task<int> DistributeAsync(
        Uri baseUrl,
        Uri metricsUrl,
        string merchantToken,
        int rows,
        string mysql,
        string file,
        Func<long, Task<string>> template)
    {
        var generate = Stopwatch.StartNew();
        await using (var writer = new StreamWriter(file))
        {
            await writer.WriteLineAsync("userId,phone");
            for (var i = 0; i < rows; i++) await writer.WriteLineAsync($"{UserBase + i},1380000{i % 10000:0000}");
        }
        Console.WriteLine(
            $"recipients file: {rows} rows, {new FileInfo(file).Length / 1024 / 1024} MiB, generated in {generate.Elapsed.TotalSeconds:0.0} s");

        var templateId = await template(rows);
        using var client = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", merchantToken);
        var total = Stopwatch.StartNew();
        string taskId;
        await using (var upload = File.OpenRead(file))
        {
            var form = new MultipartFormDataContent { { new StringContent(templateId), "templateId" }, { new StringContent("bench push"), "name" } };
            form.Add(new StreamContent(upload), "file", "recipients.csv");
            var response = await client.PostAsync("/api/v1/merchant/distribution-tasks", form);
            var body = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode != 202) throw new InvalidOperationException($"create: {(int)response.StatusCode} {body}");
            taskId = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
        }
        var accepted = total.Elapsed;
        JsonElement task;
        TimeSpan? counted = null, started = null;
        double peakRate = 0;
        while (true)
        {
            task = await client.GetFromJsonAsync<JsonElement>($"/api/v1/merchant/distribution-tasks/{taskId}");
            var status = task.GetProperty("status").GetString();
            if (counted is null && task.GetProperty("totalRows").ValueKind == JsonValueKind.Number) counted = total.Elapsed;
            if (started is null && status != "SCHEDULED") started = total.Elapsed;
            if (task.GetProperty("rowsPerSecond").ValueKind == JsonValueKind.Number) peakRate = Math.Max(
                peakRate,
                task.GetProperty("rowsPerSecond").GetDouble());
            if (status is "SUCCEEDED" or "FAILED" or "CANCELLED") break;
            await Task.Delay(100);
        }
        var elapsed = total.Elapsed;
        var startedAt = task.GetProperty("startedAt").GetDateTimeOffset();
        var finishedAt = task.GetProperty("finishedAt").GetDateTimeOffset();
        var issuing = (finishedAt - startedAt).TotalSeconds;
        Console.WriteLine($"task {taskId}: {task.GetProperty("status").GetString()}, issued={task.GetProperty("issued").GetInt64()} "
            + $"failed={task.GetProperty("failed").GetInt64()}");
        Console.WriteLine($"  upload answered (202) after {accepted.TotalSeconds:0.00} s; file counted after {counted?.TotalSeconds:0.00} s; "
            + $"running after {started?.TotalSeconds:0.00} s");
        Console.WriteLine($"  issuing (startedAt..finishedAt): {issuing:0.00} s = {rows / issuing:0} rows/s");
        Console.WriteLine($"distribution total (upload to SUCCEEDED): {elapsed.TotalSeconds:0.00} s = {rows / elapsed.TotalSeconds:0} rows/s");
        Console.WriteLine($"distribute_rows_per_second={rows / elapsed.TotalSeconds:0}");
        Console.WriteLine($"issue_rows_per_second={rows / issuing:0}");

        await using var connection = new MySqlConnection(mysql);
        await connection.OpenAsync();
        long Scalar(string sql) => Convert.ToInt64(new MySqlCommand(sql, connection).ExecuteScalar(), CultureInfo.InvariantCulture);
        var coupons = Scalar($"SELECT COUNT(*) FROM en_user_coupons WHERE template_id = {templateId}");
        var users = Scalar($"SELECT COUNT(DISTINCT user_id) FROM en_user_coupons WHERE template_id = {templateId}");
        var issued = Scalar($"SELECT issued FROM en_template_issuance WHERE template_id = {templateId}");
        // Every coupon's CouponClaimed was recorded once: what the relay published (its counter, per subject) plus
        // what still waits in the outbox (a packed row of one subject carries that subject). Waits for the relay
        // to drain first, and reports how long delivery trailed the task.
        const string claimed = "promo.engine.coupon-claimed.v1";
        long Pending() => Scalar($"SELECT COALESCE(SUM(event_count), 0) FROM msg_outbox WHERE subject = '{claimed}'");
        var drain = Stopwatch.StartNew();
        while (Pending() > 0 && drain.Elapsed < TimeSpan.FromMinutes(2)) await Task.Delay(200);
        var pending = Pending();
        Console.WriteLine(pending == 0
            ? $"  outbox drained {drain.Elapsed.TotalSeconds:0.0} s after the task ended"
            : $"  outbox still holds {pending} CouponClaimed events 2 min after the task ended");
        using var scraper = new HttpClient(); // the scrape answers on the management port only
        var events = pending + PublishedCount(await scraper.GetStringAsync(metricsUrl), claimed);
        var ok = coupons == rows && users == rows && issued == rows && events == rows;
        Console.WriteLine($"invariants: coupons={coupons} distinct users={users} issued counter={issued} CouponClaimed events={events} "
            + $"-> {(ok ? "OK" : "VIOLATED")}");
        return ok && task.GetProperty("status").GetString() == "SUCCEEDED" ? 0 : 1;
    }

    /// <summary>The relay's published counter for one subject, read from the Prometheus scrape (0 when nothing was published yet).</summary>
    private static long PublishedCount(string scrape, string subject) =>
        scrape.Split('\n')
            .Where(line => line.StartsWith("promotion_messaging_published_total{", StringComparison.Ordinal)
                && line.Contains($"subject=\"{subject}\"", StringComparison.Ordinal))
            .Select(line => long.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture))
            .Sum();

    public static async Task<int> LoadDataAsync(int rows, string mysql, string file)
    {
        // The same rows the engine writes for a distributed coupon, for one template of their own.
        const long template = 990_000_000_001;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var until = now + (long)TimeSpan.FromDays(1).TotalMilliseconds;
        await using (var writer = new StreamWriter(file))
        {
            for (var i = 0; i < rows; i++)
                await writer.WriteLineAsync(
                    $"{UserBase + i}\t{9_000_000_000_000_000 + i}\t{template}\t1\tAVAILABLE\t{now}\t{now}\t{until}\t\\N\t\\N\t\\N\t{now}\t0");
        }
        var builder = new MySqlConnectionStringBuilder(mysql) { AllowLoadLocalInfile = true };
        await using var connection = new MySqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        var loader = new MySqlBulkLoader(connection)
        {
            FileName = file,
            Local = true,
            TableName = "en_user_coupons",
            FieldTerminator = "\t",
            LineTerminator = "\n",
            Columns = {
                "user_id",
                "id",
                "template_id",
                "merchant_id",
                "status",
                "claimed_at",
                "valid_from",
                "valid_until",
                "order_id",
                "locked_until",
                "consumed_at",
                "updated_at",
                "version" },
        };
        var watch = Stopwatch.StartNew();
        var loaded = await loader.LoadAsync();
        var seconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine(
            $"LOAD DATA LOCAL INFILE (MySqlBulkLoader): {loaded} user coupons into en_user_coupons in {seconds:0.00} s = {loaded / seconds:0} rows/s");
        Console.WriteLine($"loaddata_rows_per_second={loaded / seconds:0}");
        await new MySqlCommand($"DELETE FROM en_user_coupons WHERE template_id = {template}", connection) { CommandTimeout = 600 }
            .ExecuteNonQueryAsync();
        return loaded == rows ? 0 : 1;
    }
}
