using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Platform.Identity;
using PromotionEngine.System.Tests.Infrastructure;
using PromotionEngine.System.Tests.Infrastructure.OpenApi;
using Xunit.Abstractions;

namespace PromotionEngine.System.Tests.Fuzz;

/// <summary>
/// Every operation of the OpenAPI document the app serves, sent mutated requests built from its parameters and request
/// schema (see <see cref="Mutations"/>), on the embedded default. The seed is fixed and printed; PROMO_FUZZ_SEED picks
/// another, PROMO_FUZZ_BUDGET the requests per operation.
/// </summary>
public sealed partial class MutatedRequests(FuzzedApp app, ITestOutputHelper output) : IClassFixture<FuzzedApp>
{
    private const int DefaultSeed = 13;
    private const int DefaultBudget = 200;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly long _merchant = EngineApp.NewId();
    private readonly long _user = EngineApp.NewId();
    private World? _world;
    private Dictionary<string, IReadOnlySet<string>> _methodsOfPath = [];

    /// <summary>What the seed requests point at: real ids of this merchant's and this user's things.</summary>
    private sealed record World(
        string Template, string FutureTemplate, string TemplateToStop, string Coupon,
        string LockedOrder, string ConsumedOrder, string Reminder, string Task, DateTimeOffset Now);

    private sealed record Finding(string Operation, string Kind, int Status, string Mutation, string Request, string Answer);

    [Trait("Category", "Slow")] // thousands of mutated requests
    [Fact]
    public async Task Never_answer_5xx_refuse_with_a_documented_problem_and_store_nothing_refused()
    {
        var seed = Setting("PROMO_FUZZ_SEED", DefaultSeed);
        var budget = Setting("PROMO_FUZZ_BUDGET", DefaultBudget);
        Say($"fuzz: seed {seed} (PROMO_FUZZ_SEED overrides), at most {budget} requests per operation (PROMO_FUZZ_BUDGET)");
        var random = new Random(seed);
        var clock = Stopwatch.StartNew();

        _world = await BuildWorldAsync();
        var document = JsonNode.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json"))!;
        var operations = ApiDescription.Operations(document);
        Assert.NotEmpty(operations);
        _methodsOfPath = operations.GroupBy(o => o.Path).ToDictionary(g => g.Key, g => (IReadOnlySet<string>)g.Select(o => o.Method).ToHashSet());
        var codes = DocumentedCodes();
        var store = await StoreCounts.OpenAsync(app.Services.GetRequiredService<IDatabase>(), app.Clock);
        var tokens = Tokens();
        var client = app.CreateClient();

        var findings = new List<Finding>();
        var statuses = new SortedDictionary<int, int>();
        var sent = 0;
        var before = await store.QuietAsync(Patience);
        foreach (var operation in operations)
        {
            var seedRequest = Seed(operation, random);
            var role = await RoleOfAsync(client, seedRequest, tokens);
            before = await store.QuietAsync(Patience); // the probe may have been accepted
            string? Bearer(Credentials c) => c switch
            {
                Credentials.RightRole => role is null ? null : tokens[role.Value],
                Credentials.WrongRole => tokens[Other(role)],
                Credentials.Garbage => "not.a.token",
                Credentials.ForeignKey => Foreign.Issue(
                    role ?? CallerRole.User,
                    role is CallerRole.Merchant ? _merchant.ToString(CultureInfo.InvariantCulture) : _user.ToString(CultureInfo.InvariantCulture),
                    TimeSpan.FromHours(1)),
                _ => null,
            };
            var perOperation = new SortedDictionary<int, int>();
            foreach (var request in Mutations.For(seedRequest, random, budget))
            {
                sent++;
                using var timeout = new CancellationTokenSource(Patience);
                int status;
                string answer;
                string? mediaType;
                try
                {
                    using var response = await client.SendAsync(request.ToMessage(Bearer), timeout.Token);
                    status = (int)response.StatusCode;
                    mediaType = response.Content.Headers.ContentType?.MediaType;
                    answer = await response.Content.ReadAsStringAsync(timeout.Token);
                }
                catch (DocumentViolationException e)
                {
                    // An answer the OpenAPI document does not allow: a finding like the others, and the fuzzing goes on.
                    findings.Add(new Finding(operation.ToString(), "answer not in the OpenAPI document", 0, request.Mutation,
                        request.Describe(role?.ToString()), Cut(e.Message, 1500)));
                    before = await store.QuietAsync(Patience);
                    continue;
                }
                catch (Exception e)
                {
                    findings.Add(new Finding(
                        operation.ToString(), "no answer", 0, request.Mutation, request.Describe(role?.ToString()), Cut(e.ToString(), 1500)));
                    before = await store.QuietAsync(Patience);
                    continue;
                }
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                perOperation[status] = perOperation.GetValueOrDefault(status) + 1;
                Finding Found(string kind)
                    => new(operation.ToString(), kind, status, request.Mutation, request.Describe(role?.ToString()), Cut(answer, 400));

                if (status >= 500)
                {
                    findings.Add(Found("5xx"));
                    before = await store.QuietAsync(Patience);
                    continue;
                }
                if (status < 400)
                {
                    before = await store.QuietAsync(Patience); // accepted: whatever it started in the background settles first
                    continue;
                }
                if (ProblemFault(operation, status, mediaType, answer, codes) is { } fault) findings.Add(Found(fault));
                var after = await store.ReadAsync();
                if (after.ChangesSince(before) is { Length: > 0 } changes)
                {
                    findings.Add(Found("refused but stored: " + changes));
                    before = await store.QuietAsync(Patience);
                }
            }
            output.WriteLine($"  {operation}: {string.Join(", ", perOperation.Select(s => $"{s.Key} x{s.Value}"))}" +
                (role is null ? " (no role found)" : $" as {role}"));
        }

        var rejected = statuses.Where(s => s.Key >= 400).Sum(s => s.Value);
        Say($"fuzz: {sent} requests to {operations.Count} operations in {clock.Elapsed.TotalSeconds:0.0} s (seed {seed}); " +
            $"accepted {statuses.Where(s => s.Key < 400).Sum(s => s.Value)}, rejected {rejected}: " +
            string.Join(", ", statuses.Where(s => s.Key >= 400).Select(s => $"{s.Key} x{s.Value}")) +
            $"; {findings.Count} findings; business tables watched: {string.Join(' ', store.Tables)}");
        foreach (var group in findings.GroupBy(f => (f.Operation, f.Kind, f.Status)))
        {
            var first = group.First();
            Say($"FINDING {first.Kind} ({first.Status}) on {first.Operation}, " +
                $"{group.Count()} requests ({string.Join("; ", group.Select(f => f.Mutation))}); the first:\n{first.Request}\n=> {first.Answer}\n");
        }
        Assert.True(
            findings.Count == 0,
            $"{findings.Count} requests were answered wrongly (seed {seed}); see the test output for each, with the request that reproduces it.");
    }

    // ---------------------------------------------------------------- what an answer must look like

    [GeneratedRegex("^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")]
    private static partial Regex UpperSnake();

    /// <summary>
    /// Why a 4xx answer is not a proper refusal, or null when it is one: problem+json with a documented code that the operation
    /// declares for that status in the document (a request that matches no route, NOT_FOUND or METHOD_NOT_ALLOWED, reached no operation).
    /// </summary>
    private static string? ProblemFault(ApiOperation operation, int status, string? mediaType, string answer, IReadOnlySet<string> documented)
    {
        if (mediaType != "application/problem+json") return $"4xx as {mediaType ?? "no content type"}, not problem+json";
        JsonElement problem;
        try { problem = JsonDocument.Parse(answer).RootElement; }
        catch (JsonException) { return "problem+json that is not JSON"; }
        if (problem.ValueKind != JsonValueKind.Object || !problem.TryGetProperty("code", out var code) || code.ValueKind != JsonValueKind.String)
            return "problem without a code";
        if (!UpperSnake().IsMatch(code.GetString()!)) return $"code '{code.GetString()}' is not UPPER_SNAKE";
        if (!documented.Contains(code.GetString()!)) return $"code {code.GetString()} is not in docs/errors.md";
        if (!operation.Declares(status, code.GetString()!) && code.GetString() is not ("NOT_FOUND" or "METHOD_NOT_ALLOWED"))
            return $"{status} {code.GetString()} is not declared for this operation in the OpenAPI document";
        if (!problem.TryGetProperty("status", out var echoed) || echoed.ValueKind != JsonValueKind.Number || echoed.GetInt32() != status)
            return "problem status differs from the HTTP status";
        return null;
    }

    /// <summary>Every code docs/errors.md lists (in backticks, UPPER_SNAKE).</summary>
    private static HashSet<string> DocumentedCodes()
    {
        var text = File.ReadAllText(Repository.PathOf("docs", "errors.md"));
        return Regex.Matches(text, "`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{3,})`").Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
    }

    // ---------------------------------------------------------------- who calls

    private Dictionary<CallerRole, string> Tokens() => new()
    {
        [CallerRole.Merchant] = EngineApp.Tokens.Issue(CallerRole.Merchant, _merchant.ToString(CultureInfo.InvariantCulture), TimeSpan.FromDays(1)),
        [CallerRole.User] = EngineApp.Tokens.Issue(CallerRole.User, _user.ToString(CultureInfo.InvariantCulture), TimeSpan.FromDays(1)),
        [CallerRole.Service] = EngineApp.Tokens.Issue(CallerRole.Service, "order-service", TimeSpan.FromDays(1)),
        [CallerRole.Operator] = EngineApp.Tokens.Issue(CallerRole.Operator, "ops", TimeSpan.FromDays(1)),
    };

    private static readonly TokenIssuer Foreign = new(new SymmetricSecurityKey("an-untrusted-key-of-32-bytes-or-more!"u8.ToArray()),
        "promotion-engine", "promotion-engine", TimeProvider.System);

    private static CallerRole Other(CallerRole? role) => role == CallerRole.User ? CallerRole.Merchant : CallerRole.User;

    /// <summary>
    /// The role an operation serves. The document does not say yet, so the path suggests one and the seed request confirms it:
    /// the first role it is not refused 401/403 for (null: refused for every role). The probe is the seed request itself.
    /// </summary>
    private static async Task<CallerRole?> RoleOfAsync(HttpClient client, SeedRequest seed, IReadOnlyDictionary<CallerRole, string> tokens)
    {
        var path = seed.Operation.Path;
        CallerRole[] guess = path.StartsWith("/api/v1/merchant/", StringComparison.Ordinal) ? [CallerRole.Merchant]
            : path.StartsWith("/api/v1/operator/", StringComparison.Ordinal) ? [CallerRole.Operator]
            : path.StartsWith("/api/v1/orders/", StringComparison.Ordinal) || path.StartsWith("/api/v1/settlement/", StringComparison.Ordinal)
                ? [CallerRole.Service]
                : [CallerRole.User];
        foreach (var role in guess.Concat(Enum.GetValues<CallerRole>().Except(guess)))
        {
            using var response = await client.SendAsync(Mutations.For(seed, new Random(0), 1)[0].ToMessage(_ => tokens[role]));
            if (response.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)) return role;
        }
        return null;
    }

    // ---------------------------------------------------------------- the requests an operation would accept

    private async Task<World> BuildWorldAsync()
    {
        var now = app.Clock.GetUtcNow();
        var merchant = app.AsMerchant(_merchant);
        var user = app.AsUser(_user);
        var service = app.AsService();
        var template = (await merchant.CreateTemplateAsync(Api.ATemplate(now, stock: 100_000, perUserLimit: 1000))).Id();
        var future = (await merchant.CreateTemplateAsync(Api.ATemplate(now, startsIn: TimeSpan.FromDays(2)))).Id();
        var toStop = (await merchant.CreateTemplateAsync(Api.ATemplate(now))).Id();
        var coupons = new List<string>();
        for (var i = 0; i < 4; i++) coupons.Add(await user.ClaimedCouponIdAsync(template));

        var locked = Api.NewOrderId();
        Assert.Equal(HttpStatusCode.OK, (await service.LockAsync(locked, _user, [coupons[0]])).StatusCode);
        var quote = await service.PostAsJsonAsync("/api/v1/settlement/quotes", new
        {
            userId = _user, currency = "CNY", shippingFee = 0,
            lines = new[] { new { sku = "sku-1", productId = 1, shopId = 1, categoryIds = new[] { 1 }, unitPrice = 20_000, quantity = 2 } },
        });
        Assert.Equal(HttpStatusCode.OK, quote.StatusCode);
        var consumed = Api.NewOrderId();
        var quoteLock = await service.PostAsJsonAsync($"/api/v1/orders/{consumed}/coupons/lock",
            new { userId = _user, quoteId = (await quote.JsonAsync()).Str("quoteId"), ttlSeconds = 900 });
        Assert.Equal(HttpStatusCode.OK, quoteLock.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.OrderAsync(consumed, "consume")).StatusCode);

        var reminder = await user.PostAsJsonAsync("/api/v1/me/reminders", new { templateId = future, minutesBefore = 5 });
        Assert.Equal(HttpStatusCode.Created, reminder.StatusCode);
        var task = await merchant.CreateTaskAsync(Distributions.Form(template, Distributions.CsvOfUsers([EngineApp.NewId(), EngineApp.NewId()]),
            startAt: now + TimeSpan.FromDays(1)));

        // Search answers 503 until its index is built from the event log: wait for it, that refusal is not the fuzzer's to find.
        await Eventually(
            async () => (await user.GetAsync("/api/v1/search/templates")).StatusCode, status => status != HttpStatusCode.ServiceUnavailable,
            Patience, "the search index to be built", every: TimeSpan.FromMilliseconds(20));
        return new World(template, future, toStop, coupons[3], locked, consumed, (await reminder.JsonAsync()).Id(), task, now);
    }

    // ---------------------------------------------------------------- plumbing

    private void Say(string line)
    {
        output.WriteLine(line);
        Console.WriteLine(line);
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max] + $"… ({text.Length} chars)";
}

/// <summary>
/// The embedded default with the signed-in callers' limits raised: one user and one merchant send every mutation, and a
/// 429 would stand in for the answer the fuzzer wants to see (RateLimits has tests of its own).
/// </summary>
public sealed class FuzzedApp : SqliteApp
{
    public FuzzedApp()
    {
        foreach (var group in new[] { "Claims", "Wallet", "Merchant", "Operator", "Search" })
            WithSetting($"RateLimits:{group}:PerCaller:PermitLimit", "1000000");
    }
}
