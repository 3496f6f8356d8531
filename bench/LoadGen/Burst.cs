using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using HdrHistogram;

/// <summary>
/// An oversubscribed burst (bench/burst.sh): <c>users</c> distinct users arrive at once for a template of <c>stock</c> coupons,
/// each claiming once under its own Idempotency-Key through <c>concurrency</c> connections. A 429 is retried with the same key
/// after its Retry-After (as a client should), so every user ends with one final answer: 201 (a winner), or 409 OUT_OF_STOCK.
/// Prints the time to sell out (from the first request to the last 201), the latency of each answer by kind, and of each
/// user from their first request to their final answer, then checks the invariants the engine reports for the template
/// (issued = stock = 201s; the verify mode checks the stored rows).
/// </summary>
internal static class Burst
{
    public static async Task<int> RunAsync(Uri baseUrl, TokenPool tokens, string merchantToken, int users, long stock, int concurrency,
        Func<long, Task<string>> createTemplate)
    {
        var template = await createTemplate(stock);
        using var client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseCookies = false,
        })
        { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
        var body = Encoding.UTF8.GetBytes($$"""{"templateId":"{{template}}"}""");
        // Users not yet served wait in arrival order; a user answered 429 comes back after its Retry-After ahead of them (it
        // asks again on its own, as a browser would, not behind everyone who arrived after it).
        var queue = Channel.CreateUnbounded<(long User, long FirstAt)>();
        var retries = Channel.CreateUnbounded<(long User, long FirstAt)>();
        for (long u = 1; u <= users; u++) queue.Writer.TryWrite((u, 0));
        queue.Writer.TryComplete();
        var byAnswer = new ConcurrentDictionary<string, LongConcurrentHistogram>();
        LongConcurrentHistogram Histogram(string answer) => byAnswer.GetOrAdd(answer, _ => new LongConcurrentHistogram(1, TimeStamp.Minutes(5), 3));
        long sent = 0, finished = 0, lastWin = 0, created = 0, retried = 0;
        var started = Stopwatch.GetTimestamp();

        async Task WorkerAsync()
        {
            while (true)
            {
                if (!retries.Reader.TryRead(out var next) && !queue.Reader.TryRead(out next))
                {
                    if (!await retries.Reader.WaitToReadAsync()) return; // nothing to send until a retry falls due, or the last answer
                    continue;
                }
                var (user, firstAt) = next;
                var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/claims") { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Token(user));
                request.Headers.Add("Idempotency-Key", "burst-" + user.ToString(CultureInfo.InvariantCulture));
                var start = Stopwatch.GetTimestamp();
                var userStart = firstAt == 0 ? start : firstAt;
                Interlocked.Increment(ref sent);
                int status;
                TimeSpan? retryAfter = null;
                string code = "";
                try
                {
                    using var response = await client.SendAsync(request);
                    var text = await response.Content.ReadAsStringAsync();
                    status = (int)response.StatusCode;
                    retryAfter = response.Headers.RetryAfter?.Delta;
                    if (status >= 400 && text.Length > 0 && JsonDocument.Parse(text).RootElement.TryGetProperty("code", out var c))
                        code = c.GetString() ?? "";
                }
                catch (HttpRequestException)
                {
                    status = 0;
                }
                var end = Stopwatch.GetTimestamp();
                var answer = status == 0 ? "connection_error"
                    : status is 201 or 200 ? status.ToString(CultureInfo.InvariantCulture)
                    : $"{status} {code}";
                Histogram(answer).RecordValue(end - start);
                if (status is 429 or 503 or 0)
                {
                    Interlocked.Increment(ref retried);
                    var wait = retryAfter ?? TimeSpan.FromSeconds(1);
                    _ = Task.Delay(wait).ContinueWith(_ => retries.Writer.TryWrite((user, userStart)), TaskScheduler.Default);
                    continue;
                }
                if (status == 201)
                {
                    Interlocked.Increment(ref created);
                    InterlockedMax(ref lastWin, end);
                }
                Histogram("user until " + (status == 201 ? "won" : status == 409 ? "refused" : answer)).RecordValue(end - userStart);
                if (Interlocked.Increment(ref finished) == users) retries.Writer.TryComplete();
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(WorkerAsync)));
        var total = Stopwatch.GetElapsedTime(started);
        double Ms(HistogramBase h, double p) => h.GetValueAtPercentile(p) / (double)Stopwatch.Frequency * 1000;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"burst: users={users} stock={stock} concurrency={concurrency} template={template}: sold out after " +
            $"{(lastWin == 0 ? double.NaN : Stopwatch.GetElapsedTime(started, lastWin).TotalSeconds):F2} s, every user answered after " +
            $"{total.TotalSeconds:F2} s; requests={sent} (retries after 429/503: {retried}), {sent / total.TotalSeconds:F0} requests/s"));
        foreach (var (answer, h) in byAnswer.OrderBy(a => a.Key, StringComparer.Ordinal))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"   {answer,-28} n={h.TotalCount,7} p50={Ms(h, 50),8:F2}ms p99={Ms(h, 99),8:F2}ms max={Ms(h, 100),8:F2}ms"));
        using var merchant = new HttpClient { BaseAddress = baseUrl };
        merchant.DefaultRequestHeaders.Authorization = new("Bearer", merchantToken);
        var issued = (await merchant.GetFromJsonAsync<JsonElement>($"/api/v1/merchant/templates/{template}")).GetProperty("issued").GetInt64();
        var violations = new List<string>();
        if (issued > stock) violations.Add($"over-issued: {issued} > stock {stock}");
        if (issued != created) violations.Add($"{created} answered 201 but issued is {issued}");
        if (users >= stock && issued != stock) violations.Add($"not sold out: issued {issued} of {stock}");
        Console.WriteLine($"invariants: issued={issued} created={created} stock={stock} -> " +
            (violations.Count == 0 ? "0 violations" : string.Join("; ", violations)));
        Console.WriteLine($"template={template}");
        Console.WriteLine($"created={created}");
        Console.WriteLine($"sent={sent}");
        return violations.Count == 0 ? 0 : 1;
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var seen = Interlocked.Read(ref target);
        while (value > seen)
        {
            var was = Interlocked.CompareExchange(ref target, value, seen);
            if (was == seen) return;
            seen = was;
        }
    }
}
