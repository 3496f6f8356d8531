using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using PromotionEngine.System.Tests.Infrastructure;
using PromotionEngine.System.Tests.Infrastructure.OpenApi;

namespace PromotionEngine.System.Tests.Gateway;

/// <summary>
/// The production gateway configuration (deploy/nginx/) run by a real nginx in front of stand-in instances, one per
/// role: every public endpoint the Host's `roles` command lists reaches a role that serves it, a sent POST is never
/// passed on to another instance while a GET is, the body limits are the app's, the edge limit is per client address,
/// and the client cannot name its own address or lose its request id.
/// </summary>
public sealed class GatewayRoutes
{
    [Fact]
    public async Task Every_public_endpoint_reaches_an_instance_of_a_role_that_serves_it()
    {
        var roles = await ServedRoles.ReadAsync();
        var instances = NginxGateway.Groups.Keys.ToDictionary(role => role, role => new FakeInstance(role));
        try
        {
            await using var gateway = await NginxGateway.StartAsync(instances.ToDictionary(i => i.Key, i => new[] { i.Value.Address }));
            using var client = new HttpClient { BaseAddress = gateway.BaseAddress };

            var endpoints = roles.Roles.SelectMany(r => r.Endpoints).Distinct().ToList();
            Assert.True(endpoints.Count > 40, $"only {endpoints.Count} endpoints listed");
            foreach (var (method, route) in endpoints)
            {
                var path = Sample(route);
                var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method} {path}: the gateway answered {(int)response.StatusCode}");
                var servedBy = response.Headers.GetValues("X-Instance").Single();
                Assert.True(roles[servedBy].Endpoints.Contains((method, route)),
                    $"{method} {route} is routed to {servedBy}, which does not serve it");
            }
        }
        finally
        {
            foreach (var instance in instances.Values) await instance.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("/health/ready")]
    [InlineData("/metrics")]
    [InlineData("/api/v2/claims")]
    public async Task A_path_no_role_serves_is_refused_by_the_gateway_with_a_problem(string path)
    {
        await using var instance = new FakeInstance("engine");
        await using var gateway = await NginxGateway.StartAsync(Everywhere(instance));
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("NOT_FOUND", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        Assert.Empty(instance.Received);
    }

    [Fact]
    public async Task A_sent_post_is_never_passed_to_another_instance_and_a_failing_instance_is_left_out()
    {
        await using var dying = new FakeInstance("dying", drop: true);
        await using var alive = new FakeInstance("alive");
        await using var gateway = await NginxGateway.StartAsync(WithEngines(dying, alive));
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };

        var posts = new List<HttpResponseMessage>();
        for (var i = 0; i < 6; i++) posts.Add(await client.PostAsync("/api/v1/claims", new StringContent("{}", Encoding.UTF8, "application/json")));

        var sentToTheDying = dying.Received.Count(r => r.StartsWith("POST", StringComparison.Ordinal));
        Assert.InRange(sentToTheDying, 1, 2); // max_fails=2: then it is left out for fail_timeout
        Assert.Equal(sentToTheDying, posts.Count(p => p.StatusCode == HttpStatusCode.BadGateway)); // answered 502, never resent
        Assert.Equal(6 - sentToTheDying, alive.Received.Count(r => r.StartsWith("POST", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_get_an_instance_failed_is_passed_to_the_next_one()
    {
        await using var dying = new FakeInstance("dying", drop: true);
        await using var alive = new FakeInstance("alive");
        await using var gateway = await NginxGateway.StartAsync(WithEngines(dying, alive));
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };

        var gets = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++) gets.Add(await client.GetAsync("/api/v1/me/coupons"));

        Assert.Contains("GET /api/v1/me/coupons", dying.Received);
        Assert.All(gets, g => Assert.Equal("alive", g.Headers.GetValues("X-Instance").Single()));
    }

    [Fact]
    public async Task A_role_with_no_instance_up_is_answered_502_UPSTREAM_UNAVAILABLE_as_a_problem_the_document_declares()
    {
        await using var others = new FakeInstance("others");
        var distribution = new FakeInstance("distribution");
        var upstreams = Everywhere(others);
        upstreams["distribution"] = [distribution.Address];
        await distribution.DisposeAsync(); // the role's only instance is gone: its port refuses connections
        await using var gateway = await NginxGateway.StartAsync(upstreams);
        using var client = new HttpClient(ValidatingHandler.OverSockets()) { BaseAddress = gateway.BaseAddress };

        var answers = new[]
        {
            await client.GetAsync("/api/v1/merchant/distribution-tasks/1"),
            await client.PostAsync("/api/v1/merchant/distribution-tasks/1/pause", null),
        };

        foreach (var answer in answers)
        {
            var problem = await answer.AssertProblemAsync(HttpStatusCode.BadGateway, "UPSTREAM_UNAVAILABLE");
            Assert.Equal(answer.Headers.GetValues("X-Request-Id").Single(), problem.Str("requestId"));
        }
        Assert.Empty(others.Received);
    }

    [Fact]
    public async Task An_instance_that_does_not_answer_in_time_is_answered_504_UPSTREAM_TIMEOUT_as_a_problem_the_document_declares()
    {
        await using var others = new FakeInstance("others");
        using var stalled = new StalledInstance();
        var upstreams = Everywhere(others);
        upstreams["search"] = [stalled.Address];
        await using var gateway = await NginxGateway.StartAsync(upstreams);
        using var client = new HttpClient(ValidatingHandler.OverSockets()) { BaseAddress = gateway.BaseAddress };

        var answer = await client.GetAsync("/api/v1/search/templates?q=shoes"); // nginx gives up connecting (proxy_connect_timeout)

        var problem = await answer.AssertProblemAsync(HttpStatusCode.GatewayTimeout, "UPSTREAM_TIMEOUT");
        Assert.Equal(answer.Headers.GetValues("X-Request-Id").Single(), problem.Str("requestId"));
        Assert.Empty(others.Received);
    }

    [Theory]
    [InlineData("/api/v1/claims", 30_000_000, true)]
    [InlineData("/api/v1/claims", 30_000_001, false)]
    [InlineData("/api/v1/merchant/distribution-tasks/1/pause", 30_000_001, false)]
    [InlineData("/api/v1/merchant/distribution-tasks", 268_435_456 + 1_048_576, true)]
    [InlineData("/api/v1/merchant/distribution-tasks", 268_435_456 + 1_048_576 + 1, false)]
    [InlineData("/console/distribution/tasks", 268_435_456 + 1_048_576, true)] // the console's upload, streamed on to the one above
    [InlineData("/console/distribution/tasks", 268_435_456 + 1_048_576 + 1, false)]
    [InlineData("/console/audiences/1/file", 268_435_456 + 1_048_576, true)] // an audience's member file, streamed on the same way
    [InlineData("/console/audiences/1/file", 268_435_456 + 1_048_576 + 1, false)]
    public async Task The_gateway_passes_bodies_up_to_the_app_s_own_limit_of_the_route(string path, long length, bool passed)
    {
        await using var instance = new FakeInstance("any");
        await using var gateway = await NginxGateway.StartAsync(Everywhere(instance));

        // A streamed upload (the distribution route) is passed on to the instance as soon as its head arrives; a JSON body
        // is read whole first, so it is sent whole. A refusal comes as soon as nginx reads the head's Content-Length.
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", gateway.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"POST {path} HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n"));

        if (passed)
        {
            if (length <= 30_000_000) await stream.WriteAsync(new byte[length]);
            Assert.True(await Eventually(() => Task.FromResult(instance.Received.Contains($"POST {path}")), Seconds(10),
                $"the instance to receive POST {path}"));
        }
        else
        {
            Assert.StartsWith("HTTP/1.1 413", await new StreamReader(stream, Encoding.ASCII).ReadLineAsync());
            Assert.Empty(instance.Received);
        }
    }

    [Fact]
    public async Task The_edge_limit_counts_each_client_address_whatever_x_forwarded_for_it_sends()
    {
        await using var instance = new FakeInstance("any");
        await using var gateway = await NginxGateway.StartAsync(Everywhere(instance), rate: "1r/m"); // the burst (200) and no refill
        using var first = ClientFrom("127.0.0.2", gateway);
        using var second = ClientFrom("127.0.0.3", gateway);

        for (var i = 0; i < 201; i++)
        {
            var passed = await SendAsync(first, forwardedFor: $"198.51.100.{i % 250}");
            Assert.Equal(HttpStatusCode.OK, passed.StatusCode);
            Assert.Equal("127.0.0.2", passed.Headers.GetValues("X-Seen-Forwarded-For").Single()); // the peer, never the claim
        }
        var refused = await SendAsync(first, forwardedFor: "203.0.113.50");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("RATE_LIMITED", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(second, forwardedFor: "127.0.0.2")).StatusCode); // another address
    }

    [Fact]
    public async Task A_request_id_is_passed_through_or_made_and_answered_either_way()
    {
        await using var instance = new FakeInstance("any");
        await using var gateway = await NginxGateway.StartAsync(Everywhere(instance));
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };

        var given = new HttpRequestMessage(HttpMethod.Get, "/api/v1/ping");
        given.Headers.Add("X-Request-Id", "checkout-7f3a.1");
        var passed = await client.SendAsync(given);
        var made = await client.GetAsync("/api/v1/ping");
        var junk = new HttpRequestMessage(HttpMethod.Get, "/api/v1/ping");
        junk.Headers.TryAddWithoutValidation("X-Request-Id", "<script>" + new string('x', 200));
        var replaced = await client.SendAsync(junk);

        Assert.Equal("checkout-7f3a.1", passed.Headers.GetValues("X-Seen-Request-Id").Single());
        Assert.Equal("checkout-7f3a.1", passed.Headers.GetValues("X-Request-Id").Single());
        var id = made.Headers.GetValues("X-Seen-Request-Id").Single();
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal(id, made.Headers.GetValues("X-Request-Id").Single());
        Assert.Matches("^[0-9a-f]{32}$", replaced.Headers.GetValues("X-Seen-Request-Id").Single());
    }

    /// <summary>A concrete path of a route pattern: each parameter ({id:long:regex(…)}, {orderId}, {documentName?}) a plain value.</summary>
    private static string Sample(string route) =>
        Regex.Replace(route, @"\{([^{}]|\{[^{}]*\})*\}", match => match.Value.StartsWith("{documentName", StringComparison.Ordinal) ? "v1" : "1");

    private static Dictionary<string, string[]> WithEngines(FakeInstance first, FakeInstance second)
    {
        var upstreams = Everywhere(second);
        upstreams["engine"] = [first.Address, second.Address];
        return upstreams;
    }

    private static Dictionary<string, string[]> Everywhere(FakeInstance instance) =>
        NginxGateway.Groups.Keys.ToDictionary(role => role, _ => new[] { instance.Address });

    private static HttpClient ClientFrom(string address, NginxGateway gateway) =>
        new(ValidatingHandler.SocketsFrom(address)) { BaseAddress = gateway.BaseAddress };

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/ping");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return client.SendAsync(request);
    }
}
