using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using HdrHistogram;
using Microsoft.Data.Sqlite;
using MySqlConnector;

// loadgen <base-url> <signing-key-base64> <mode> [options]
//   template [--stock N] [--rules --user-base B --members M]   a claimable template; --rules: under every campaign rule
//           (a budgeted campaign that stops claims when low, an audience of users B+1 … B+M, per-day/week/month limits)
//   noop    --concurrency N --seconds S                      GET /api/v1/ping (the app's own ceiling)
//           (noop, claims: --report-sent also prints sent=N, every request sent including the warm-up's, to divide CPU time by)
//   claims  --concurrency N --seconds S [--template ID]      POST /api/v1/claims, every request a new user
//   quotes  --concurrency N --seconds S [--lines 20] [--coupons 50] [--distinct] [--rules]   POST /api/v1/settlement/quotes for one
//           wallet (--rules: its templates in a budgeted campaign, for an audience holding the user, with per-period limits)
//           [--userstat CS --userstat-user U [--engine-pid P]]   MariaDB statements, rows read and busy time per quote of user U
//           (userstat on) over the measured window, read with connection string CS; P: the engine's CPU per quote too
//   verify  --template ID --mysql CS | --sqlite FILE         the invariants on the stored data
//           [--expect-created N [--in-flight M]]             N answered 201; M: up to M more may be stored (requests a load tool
//                                                            cut off at its deadline, committed but never answered)
//   mint    --count N --user-base B --file PATH              N user tokens (users B+1 … B+N), one a line, for wrk (bench/claims.lua)
//   distribute --rows N --mysql CS --file PATH --metrics URL   a distribution task of N recipients end to end, then its invariants
//                                                              (URL: the management port's /metrics)
//   loaddata   --rows N --mysql CS --file PATH                 LOAD DATA LOCAL INFILE of N user coupons (MySqlBulkLoader): the physical limit
//   bombs      --out DIR [--rows N]                           the workbooks of bench/upload-bombs.sh (three bombs, an honest N-row one)
//   burst      --users N --stock S --concurrency C [--user-base B]   bench/burst.sh: N new users at once for S coupons (Burst.cs)
var baseUrl = new Uri(args[0]);
var key = Convert.FromBase64String(args[1]);
var mode = args[2];
string? Opt(string name) => args.SkipWhile(a => a != "--" + name).Skip(1).FirstOrDefault();
int IntOpt(string name, int fallback) => Opt(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

var concurrency = IntOpt("concurrency", 64);
var seconds = IntOpt("seconds", 10);
var warmup = IntOpt("warmup", 3);

switch (mode)
{
    case "template":
        Console.WriteLine(await CreateTemplateAsync(long.Parse(Opt("stock") ?? "100000000", CultureInfo.InvariantCulture),
            args.Contains("--rules") ? (long.Parse(Opt("user-base")!, CultureInfo.InvariantCulture) + 1, IntOpt("members", 0)) : null));
        return 0;
    case "noop":
        {
            var result = await RunAsync(
                concurrency, warmup, seconds, _ => new HttpRequestMessage(HttpMethod.Get, "/api/v1/ping"), HttpStatusCode.NoContent);
            Report("no-op GET /api/v1/ping", result);
            ReportSent(result);
            return 0;
        }
    case "claims":
        {
            var template = Opt("template") ?? await CreateTemplateAsync(100_000_000);
            var userBase = long.Parse(Opt("user-base") ?? "1000000000", CultureInfo.InvariantCulture);
            var tokens = new TokenPool(key, userBase);
            var body = Encoding.UTF8.GetBytes($$"""{"templateId":"{{template}}"}""");
            var result = await RunAsync(concurrency, warmup, seconds, i =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/claims") { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Token(i));
                request.Headers.Add("Idempotency-Key", i.ToString(CultureInfo.InvariantCulture));
                return request;
            }, HttpStatusCode.Created);
            Report($"claims (template {template})", result);
            Console.WriteLine($"created={result.Ok}");
            ReportSent(result);
            return 0;
        }
    case "quotes":
        {
            var rules = args.Contains("--rules");
            var (user, cartLines) = await QuoteWalletAsync(IntOpt("coupons", 50), IntOpt("lines", 20), rules);
            var distinct = args.Contains("--distinct");
            var service = new TokenPool(key, 0).Service();
            var userstat = Opt("userstat") is { } u
                ? new UserStatistics(u, Opt("userstat-user")!, Opt("engine-pid") is { } pid ? int.Parse(pid, CultureInfo.InvariantCulture) : null)
                : null;
            var result = await RunAsync(concurrency, warmup, seconds, i =>
            {
                // --distinct: every request a new cart (the first line's quantity varies), so each is priced and stored;
                // otherwise one cart, answered from the stored quote after the first.
                var lines = cartLines.Select((l, n) => n == 0 && distinct ? l with { Quantity = (int)(i % 50_000) + 1 } : l).ToArray();
                var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/settlement/quotes")
                {
                    Content = JsonContent.Create(new { userId = user, currency = "CNY", lines, shippingFee = 800 }),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", service);
                return request;
            }, HttpStatusCode.OK, userstat is null ? null : userstat.SampleAsync);
            Report(
                $"quotes ({cartLines.Length} lines, {IntOpt("coupons", 50)} coupons, {(distinct ? "every cart new" : "one cart repeated")}"
                + $"{(rules ? ", rules on" : "")})", result);
            if (userstat is not null) Console.WriteLine($"   MariaDB per quote (userstat): {userstat.Per(result.Total)}");
            return 0;
        }
    case "verify":
        return await VerifyAsync(
            long.Parse(Opt("template")!, CultureInfo.InvariantCulture), long.Parse(Opt("expect-created") ?? "-1", CultureInfo.InvariantCulture),
            long.Parse(Opt("in-flight") ?? "0", CultureInfo.InvariantCulture));
    case "mint":
        {
            var tokens = new TokenPool(key, long.Parse(Opt("user-base")!, CultureInfo.InvariantCulture));
            await using var file = new StreamWriter(Opt("file")!, append: false, new UTF8Encoding(false), 1 << 20);
            for (long i = 1, n = IntOpt("count", 100_000); i <= n; i++) await file.WriteLineAsync(tokens.Token(i));
            return 0;
        }
    case "distribute":
        return await DistributionBench.DistributeAsync(
            baseUrl, new Uri(Opt("metrics") ?? throw new ArgumentException("distribute needs --metrics <management url>/metrics")),
            new TokenPool(key, 0).Merchant(1), int.Parse(Opt("rows")!, CultureInfo.InvariantCulture),
            Opt("mysql")!, Opt("file")!, async stock => await CreateTemplateAsync(stock));
    case "loaddata":
        return await DistributionBench.LoadDataAsync(int.Parse(Opt("rows")!, CultureInfo.InvariantCulture), Opt("mysql")!, Opt("file")!);
    case "bombs":
        return UploadBombs.Write(Opt("out")!, IntOpt("rows", 5_000_000));
    case "burst": // bench/burst.sh: --users N --stock S --concurrency C, every user once (429s retried after Retry-After)
        return await Burst.RunAsync(baseUrl, new TokenPool(key, long.Parse(Opt("user-base") ?? "3000000000", CultureInfo.InvariantCulture)),
            new TokenPool(key, 0).Merchant(1), IntOpt("users", 50_000), long.Parse(Opt("stock") ?? "5000", CultureInfo.InvariantCulture),
            concurrency, async stock => await CreateTemplateAsync(stock));
    default:
        Console.Error.WriteLine("modes: template, noop, claims, verify, mint, distribute, loaddata, bombs, burst");
        return 2;
}

// One user with `coupons` coupons of mixed scopes and benefits over 5 shops and 4 categories, and a cart of `lines` lines.
async Task<(long User, QuoteLine[] Lines)> QuoteWalletAsync(int coupons, int lineCount, bool rules)
{
    var pool = new TokenPool(key, 0);
    var user = 2_000_000_000L + Random.Shared.Next(1, 1_000_000);
    using var merchant = Client(1);
    merchant.DefaultRequestHeaders.Authorization = new("Bearer", pool.Merchant(1));
    using var holder = Client(1);
    holder.DefaultRequestHeaders.Authorization = new("Bearer", pool.Token(user));
    using var service = Client(1);
    service.DefaultRequestHeaders.Authorization = new("Bearer", pool.Service());
    var campaign = rules && CampaignRules.Budget ? await CampaignRules.CampaignAsync(merchant) : null;
    var audience = rules && CampaignRules.Audience ? await CampaignRules.AudienceAsync(merchant, service, user, 1) : null;
    for (var i = 0; i < coupons; i++)
    {
        object scope = (i % 4) switch
        {
            0 => new { scope = "PLATFORM" },
            1 => new { scope = "SHOP", shopId = i % 5 + 1 },
            2 => new { scope = "CATEGORIES", categoryIds = new[] { i % 4 + 1 } },
            _ => new { scope = "SHOP", shopId = (i + 2) % 5 + 1 },
        };
        var benefit = (i % 3) switch
        {
            0 => new Dictionary<string, object?> { ["type"] = "FIXED_AMOUNT", ["discountAmount"] = 100 + 37 * i },
            1 => new Dictionary<string, object?> { ["type"] = "THRESHOLD", ["discountAmount"] = 500 + 11 * i, ["thresholdAmount"] = 5000 + 500 * i },
            _ => new Dictionary<string, object?> { ["type"] = "PERCENTAGE", ["percentOff"] = 300 + 50 * i, ["maxDiscountAmount"] = 3000 + 100 * i },
        };
        var body = JsonSerializer.SerializeToElement(scope).EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value);
        foreach (var (k, v) in benefit) body[k] = v;
        body["name"] = $"quote bench {i}"; body["currency"] = "CNY"; body["stock"] = 1_000_000; body["perUserLimit"] = 1;
        body["validFrom"] = DateTimeOffset.UtcNow.AddMinutes(-1); body["validUntil"] = DateTimeOffset.UtcNow.AddDays(1);
        body["exclusive"] = i % 25 == 24;
        if (rules) CampaignRules.AddTo(body, audience);
        var template = await CampaignRules.IdOfAsync(await merchant.PostAsJsonAsync("/api/v1/merchant/templates", body));
        if (campaign is not null) await CampaignRules.JoinAsync(merchant, template, campaign);
        var claim = new HttpRequestMessage(HttpMethod.Post, "/api/v1/claims") { Content = JsonContent.Create(new { templateId = template }) };
        claim.Headers.Add("Idempotency-Key", "bench-" + i.ToString(CultureInfo.InvariantCulture));
        (await holder.SendAsync(claim)).EnsureSuccessStatusCode();
    }
    var lines = Enumerable.Range(0, lineCount).Select(n => new QuoteLine("sku-" + n, n + 1, n % 5 + 1, [n % 4 + 1], 1000 + 137 * n, n % 3 + 1))
        .ToArray();
    return (user, lines);
}

// rules: (first member, members) puts the template under every campaign rule (CampaignRules); null: none.
async Task<string> CreateTemplateAsync(long stock, (long First, int Count)? rules = null)
{
    var pool = new TokenPool(key, 0);
    using var client = Client(1);
    client.DefaultRequestHeaders.Authorization = new("Bearer", pool.Merchant(1));
    var body = new Dictionary<string, object?>
    {
        ["name"] = "Flash sale 满减", ["currency"] = "CNY", ["scope"] = "PLATFORM", ["type"] = "THRESHOLD", ["discountAmount"] = 1000,
        ["thresholdAmount"] = 10000, ["validFrom"] = DateTimeOffset.UtcNow.AddMinutes(-1), ["validUntil"] = DateTimeOffset.UtcNow.AddDays(1),
        ["stock"] = stock, ["perUserLimit"] = 1,
    };
    if (rules is not { } r) return await CampaignRules.IdOfAsync(await client.PostAsJsonAsync("/api/v1/merchant/templates", body));
    using var service = Client(4);
    service.DefaultRequestHeaders.Authorization = new("Bearer", pool.Service());
    CampaignRules.AddTo(body, CampaignRules.Audience ? await CampaignRules.AudienceAsync(client, service, r.First, r.Count) : null);
    var template = await CampaignRules.IdOfAsync(await client.PostAsJsonAsync("/api/v1/merchant/templates", body));
    if (CampaignRules.Budget) await CampaignRules.JoinAsync(client, template, await CampaignRules.CampaignAsync(client));
    return template;
}

// window: called as the measured window opens (true) and closes (false), e.g. to sample the database's counters over it.
async Task<RunResult> RunAsync(int workers, int warmupSeconds, int measureSeconds, Func<long, HttpRequestMessage> request, HttpStatusCode expected,
    Func<bool, Task>? window = null)
{
    using var client = Client(workers);
    var histogram = new LongConcurrentHistogram(1, TimeStamp.Minutes(1), 3);
    long next = 0, ok = 0, errors = 0;
    var measuring = false;
    var stop = false;
    var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, long>();

    async Task WorkerAsync()
    {
        while (!Volatile.Read(ref stop))
        {
            var i = Interlocked.Increment(ref next);
            using var message = request(i);
            var start = Stopwatch.GetTimestamp();
            HttpStatusCode status;
            try
            {
                using var response = await client.SendAsync(message);
                await response.Content.LoadIntoBufferAsync();
                status = response.StatusCode;
            }
            catch (HttpRequestException)
            {
                status = 0;
            }
            var elapsed = Stopwatch.GetTimestamp() - start;
            if (status == expected) Interlocked.Increment(ref ok); // counted in warm-up too: the verify step needs every 201
            if (!Volatile.Read(ref measuring)) continue;
            histogram.RecordValue(elapsed);
            statuses.AddOrUpdate((int)status, 1, (_, n) => n + 1);
            if (status != expected) Interlocked.Increment(ref errors);
        }
    }

    var tasks = Enumerable.Range(0, workers).Select(_ => Task.Run(WorkerAsync)).ToArray();
    await Task.Delay(TimeSpan.FromSeconds(warmupSeconds));
    if (window is not null) await window(true);
    Volatile.Write(ref measuring, true);
    var clock = Stopwatch.StartNew();
    await Task.Delay(TimeSpan.FromSeconds(measureSeconds));
    Volatile.Write(ref measuring, false);
    var elapsedSeconds = clock.Elapsed.TotalSeconds;
    if (window is not null) await window(false);
    Volatile.Write(ref stop, true);
    await Task.WhenAll(tasks);
    return new RunResult(
        workers, histogram.TotalCount / elapsedSeconds, histogram, errors, histogram.TotalCount, statuses, ok, Interlocked.Read(ref next));
}

void ReportSent(RunResult r)
{
    if (args.Contains("--report-sent")) Console.WriteLine($"sent={r.Sent}");
}

void Report(string what, RunResult r)
{
    // No answer inside the measured window (a cold engine's first requests may outlast a short warm-up run): no latencies.
    double Ms(double percentile) => r.Total == 0 ? double.NaN : r.Latency.GetValueAtPercentile(percentile) / (double)Stopwatch.Frequency * 1000;
    var codes = string.Join(" ", r.Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}:{s.Value}"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{what}: concurrency={r.Concurrency} rps={r.PerSecond:F0} p50={Ms(50):F2}ms p95={Ms(95):F2}ms p99={Ms(99):F2}ms max={Ms(100):F2}ms " +
        $"errors={r.Errors}/{r.Total} ({100.0 * r.Errors / Math.Max(1, r.Total):F3}%) statuses=[{codes}]"));
}

async Task<int> VerifyAsync(long template, long expectCreated, long inFlight)
{
    // One SQL text for both stores: every check is an invariant the engine promises.
    var checks = new (string Name, string Sql)[]
    {
        ("coupons stored", $"SELECT COUNT(*) FROM en_user_coupons WHERE template_id = {template}"),
        ("issued counter", $"SELECT COALESCE(MAX(issued), 0) FROM en_template_issuance WHERE template_id = {template}"),
        ("users above the limit (1)", $"SELECT COUNT(*) FROM (SELECT user_id FROM en_user_coupons WHERE template_id = {template} " +
            "GROUP BY user_id HAVING COUNT(*) > 1) x"),
        ("keys with two coupons", $"SELECT COUNT(*) FROM (SELECT user_id, idempotency_key FROM en_claim_requests WHERE template_id = {template} " +
            "GROUP BY user_id, idempotency_key HAVING COUNT(*) > 1) x"),
        ("claim requests without a coupon", $"SELECT COUNT(*) FROM en_claim_requests r WHERE r.template_id = {template} " +
            "AND NOT EXISTS (SELECT 1 FROM en_user_coupons c WHERE c.user_id = r.user_id AND c.id = r.user_coupon_id)"),
    };
    System.Data.Common.DbConnection connection = Opt("mysql") is { } cs
        ? new MySqlConnection(cs)
        : new SqliteConnection($"Data Source={Opt("sqlite")};Mode=ReadOnly");
    await using var _ = connection;
    await connection.OpenAsync();
    var values = new Dictionary<string, long>();
    foreach (var (name, sql) in checks)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        values[name] = Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
    var violations = new List<string>();
    if (values["coupons stored"] != values["issued counter"]) violations.Add("issued counter differs from coupons stored");
    if (values["users above the limit (1)"] > 0) violations.Add("a user holds more than the limit");
    if (values["keys with two coupons"] > 0) violations.Add("an idempotency key issued twice");
    if (values["claim requests without a coupon"] > 0) violations.Add("a claim request without its coupon");
    if (expectCreated >= 0 && (values["coupons stored"] < expectCreated || values["coupons stored"] > expectCreated + inFlight))
        violations.Add($"{expectCreated} answered 201 (and up to {inFlight} cut off in flight) but {values["coupons stored"]} stored");
    Console.WriteLine("verify: " + string.Join(", ", values.Select(v => $"{v.Key}={v.Value}"))
        + $" -> {(violations.Count == 0 ? "0 violations" : string.Join("; ", violations))}");
    return violations.Count == 0 ? 0 : 1;
}

HttpClient Client(int connections) => new(new SocketsHttpHandler
{
    MaxConnectionsPerServer = connections,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    UseCookies = false,
})
{ BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };

/// <summary>
/// The engine's MariaDB work over the measured window (userstat of its own user, read with <paramref name="rootConnection"/>'s
/// rights): statements, rows read and busy time per request, which others' load on a shared server does not move; with
/// <paramref name="enginePid"/>, the engine process's CPU per request too (/proc: user + system ticks).
/// </summary>
internal sealed class UserStatistics(string rootConnection, string user, int? enginePid)
{
    private readonly long[] _start = new long[4];
    private readonly long[] _end = new long[4];

    private long EngineTicks()
    {
        if (enginePid is not { } pid) return 0;
        var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture); // utime, stime
    }

    public async Task SampleAsync(bool start)
    {
        await using var connection = new MySqlConnection(rootConnection);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(
            "SELECT SELECT_COMMANDS + UPDATE_COMMANDS + OTHER_COMMANDS, ROWS_READ, ROUND(BUSY_TIME * 1000000) " +
            "FROM information_schema.USER_STATISTICS WHERE USER = @User", connection);
        command.Parameters.AddWithValue("@User", user);
        await using var reader = await command.ExecuteReaderAsync();
        var into = start ? _start : _end;
        if (await reader.ReadAsync()) for (var i = 0; i < 3; i++) into[i] = Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture);
        into[3] = EngineTicks();
    }

    // Ticks of 10 ms (USER_HZ 100 on Linux).
    public string Per(long requests)
    {
        if (requests == 0) return "no request answered";
        var engine = enginePid is null
            ? ""
            : string.Create(CultureInfo.InvariantCulture, $"; engine cpu {(_end[3] - _start[3]) * 10_000 / requests} us");
        return string.Create(CultureInfo.InvariantCulture,
            $"statements {(_end[0] - _start[0]) / (double)requests:F2}, rows read {(_end[1] - _start[1]) / (double)requests:F1}, " +
            $"busy {(_end[2] - _start[2]) / requests} us{engine}");
    }
}

internal sealed record RunResult(int Concurrency, double PerSecond, HistogramBase Latency, long Errors, long Total,
    System.Collections.Concurrent.ConcurrentDictionary<int, long> Statuses, long Ok, long Sent);

/// <summary>
/// HS256 tokens signed by hand (header.payload.HMAC): a distinct user per request costs microseconds,
/// so signing never limits the load. The claims are the ones the engine reads (role, user_id, merchant_id).
/// </summary>
internal sealed class TokenPool(byte[] key, long userBase)
{
    private static readonly string Header = Base64Url("""{"alg":"HS256","typ":"JWT"}"""u8);
    private readonly long _expires = DateTimeOffset.UtcNow.AddHours(2).ToUnixTimeSeconds();

    // Issuer, audience and expiry close every payload (not a raw string: one cannot begin with a quote).
    private string SharedClaims => $"\"iss\":\"promotion-engine\",\"aud\":\"promotion-engine\",\"exp\":{_expires}}}";

    public string Token(long i) => Sign($$"""{"sub":"user:{{userBase + i}}","role":"USER","user_id":"{{userBase + i}}",""" + SharedClaims);

    public string Merchant(long id) => Sign($$"""{"sub":"merchant:{{id}}","role":"MERCHANT","merchant_id":"{{id}}",""" + SharedClaims);

    public string Service() => Sign("""{"sub":"order-service","role":"SERVICE",""" + SharedClaims);

    private string Sign(string payload)
    {
        var unsigned = Header + "." + Base64Url(Encoding.UTF8.GetBytes(payload));
        return unsigned + "." + Base64Url(System.Security.Cryptography.HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(unsigned)));
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}

/// <summary>A cart line as the quote endpoint reads it (JsonContent writes the names camelCase).</summary>
internal sealed record QuoteLine(string Sku, long ProductId, long ShopId, long[] CategoryIds, long UnitPrice, int Quantity);
