using System.Net;
using System.Net.Http.Headers;
using Microsoft.IdentityModel.Tokens;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests;

/// <summary>
/// Each limit with a small limit of the test's own (windows of an hour, so no test depends on timing): a signed-in
/// caller per endpoint group, a client address without a token (believed from a known proxy only), and an address
/// that keeps failing authentication, refused before its tokens are read. A refusal is 429 RATE_LIMITED with Retry-After.
/// </summary>
public sealed class RateLimits
{
    private const string Hour = "01:00:00";

    [Fact]
    public async Task A_signed_in_caller_over_its_group_limit_is_refused_and_no_one_else_is()
    {
        var app = new SqliteApp();
        app.WithSetting("RateLimits:Wallet:PerCaller:PermitLimit", "3").WithSetting("RateLimits:Wallet:PerCaller:Window", Hour);
        try
        {
            await app.InitializeAsync();
            var user = app.AsUser(EngineApp.NewId());
            for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await user.GetAsync("/api/v1/me/coupons")).StatusCode);

            var refused = await user.GetAsync("/api/v1/me/coupons");

            var problem = await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
            var retryAfter = (int)refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds;
            Assert.InRange(retryAfter, 1, 3600);
            Assert.Equal(retryAfter, problem.GetProperty("retryAfterSeconds").GetInt32());
            Assert.Equal(HttpStatusCode.OK, (await app.AsUser(EngineApp.NewId()).GetAsync("/api/v1/me/coupons")).StatusCode); // another user
            Assert.Equal(HttpStatusCode.OK, (await user.GetAsync("/api/v1/search/templates")).StatusCode); // another group
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
        }
    }

    [Fact]
    public async Task A_client_that_accepts_only_html_is_refused_with_problem_json_too()
    {
        var app = new SqliteApp();
        app.WithSetting("RateLimits:Wallet:PerCaller:PermitLimit", "1").WithSetting("RateLimits:Wallet:PerCaller:Window", Hour);
        try
        {
            await app.InitializeAsync();
            var user = app.AsUser(EngineApp.NewId());
            user.DefaultRequestHeaders.Accept.ParseAdd("text/html");
            Assert.Equal(HttpStatusCode.OK, (await user.GetAsync("/api/v1/me/coupons")).StatusCode);

            var refused = await user.GetAsync("/api/v1/me/coupons");

            await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
        }
    }

    [Fact]
    public async Task Requests_without_a_token_are_limited_per_client_address_as_forwarded_by_a_known_proxy()
    {
        await using var host = await HostProcess.StartAsync(Settings(new()
        {
            ["RateLimits:Other:PerIp:PermitLimit"] = "3",
            ["RateLimits:Other:PerIp:Window"] = Hour,
            ["ForwardedHeaders:KnownProxies"] = "127.0.0.1",
        }));

        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.NoContent, (await PingAsync(host, "203.0.113.7")).StatusCode);
        var refused = await PingAsync(host, "203.0.113.7");

        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.NoContent, (await PingAsync(host, "203.0.113.8")).StatusCode); // another client behind the proxy
        // A signed-in caller is counted by its token, not its address: many users behind one address are not held back.
        Assert.Equal(
            HttpStatusCode.NoContent,
            (await PingAsync(host, "203.0.113.7", EngineApp.Tokens.Issue(CallerRole.User, "1001", TimeSpan.FromHours(1)))).StatusCode);
    }

    [Fact]
    public async Task A_forwarded_address_from_an_unknown_proxy_is_not_believed()
    {
        await using var host = await HostProcess.StartAsync(Settings(new()
        {
            ["RateLimits:Other:PerIp:PermitLimit"] = "3",
            ["RateLimits:Other:PerIp:Window"] = Hour,
        }));

        // Each request claims another address; all come from 127.0.0.1, which is what counts.
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.NoContent, (await PingAsync(host, $"198.51.100.{i + 1}")).StatusCode);

        await (await PingAsync(host, "198.51.100.99")).AssertProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
    }

    [Fact]
    public async Task An_address_that_keeps_failing_authentication_is_refused_before_any_token_of_it_is_read()
    {
        var app = new SqliteApp();
        app.WithSetting("RateLimits:Unauthenticated:PermitLimit", "3").WithSetting("RateLimits:Unauthenticated:Window", Hour);
        try
        {
            await app.InitializeAsync();
            var forged = app.CreateClient();
            forged.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
                SignedTokens.Sign(
                    new() { ["sub"] = "operator:x", ["role"] = "OPERATOR" },
                    new SymmetricSecurityKey("a-key-the-engine-does-not-know!!!"u8.ToArray())));
            // no token: a failure too
            await (await app.CreateClient().GetAsync("/api/v1/me/coupons")).AssertProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
            for (var i = 0; i < 2; i++)
                await (await forged.GetAsync("/api/v1/operator/messaging")).AssertProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHENTICATED");

            await (await forged.GetAsync("/api/v1/operator/messaging")).AssertProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
            // A valid token from that address is refused too: it is not read, so it cannot be told from a forged one.
            await (await app.AsOperator().GetAsync("/api/v1/operator/messaging")).AssertProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
            await (await app.CreateClient().GetAsync("/api/v1/ping")).AssertProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
            Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/health/live")).StatusCode); // probes are never limited
        }
        finally
        {
            await ((IAsyncLifetime)app).DisposeAsync();
        }
    }

    private static Dictionary<string, string> Settings(Dictionary<string, string> limits)
    {
        limits["Promotion:DataDirectory"] = Path.Combine(Path.GetTempPath(), "promo-limits-" + Guid.NewGuid().ToString("N"));
        limits["Promotion:Auth:SigningKey"] = Convert.ToBase64String(EngineApp.SigningKey);
        return limits;
    }

    private static async Task<HttpResponseMessage> PingAsync(HostProcess host, string forwardedFor, string? token = null)
    {
        using var client = host.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/ping");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
