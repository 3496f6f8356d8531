using System.Net;
using PromotionEngine.System.Tests.Infrastructure;
using PromotionEngine.System.Tests.Infrastructure.OpenApi;

namespace PromotionEngine.System.Tests.Gateway;

/// <summary>
/// A real Host behind the real gateway, trusting X-Forwarded-For from the gateway's address only
/// (ForwardedHeaders:KnownProxies): its per-address limit counts each client behind the gateway, and a client that
/// reaches the Host directly cannot pick its address by sending the header.
/// </summary>
public sealed class ForwardedAddresses
{
    [Fact]
    public async Task The_app_counts_the_client_the_gateway_names_and_ignores_the_header_from_anyone_else()
    {
        await using var host = await HostProcess.StartAsync(new Dictionary<string, string>
        {
            ["Promotion:DataDirectory"] = Path.Combine(Path.GetTempPath(), "promo-forwarded-" + Guid.NewGuid().ToString("N")),
            ["Promotion:Auth:SigningKey"] = Convert.ToBase64String(EngineApp.SigningKey),
            ["RateLimits:Other:PerIp:PermitLimit"] = "3",
            ["RateLimits:Other:PerIp:Window"] = "01:00:00",
            ["ForwardedHeaders:KnownProxies"] = "127.0.0.1", // the gateway's address on loopback
        });
        var address = $"127.0.0.1:{host.Port}";
        await using var gateway = await NginxGateway.StartAsync(NginxGateway.Groups.Keys.ToDictionary(role => role, _ => new[] { address }));
        using var first = ClientFrom("127.0.0.2", gateway.BaseAddress);
        using var second = ClientFrom("127.0.0.3", gateway.BaseAddress);
        using var direct = ClientFrom("127.0.0.4", host.BaseAddress);

        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.NoContent, (await PingAsync(first, $"198.51.100.{i}")).StatusCode);
        await (await PingAsync(first, "198.51.100.77")).AssertProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED"); // the app's limit
        Assert.Equal(HttpStatusCode.NoContent, (await PingAsync(second, "127.0.0.2")).StatusCode); // another client behind the gateway

        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.NoContent, (await PingAsync(direct, $"203.0.113.{i}")).StatusCode);
        await (await PingAsync(direct, "203.0.113.99")).AssertProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
    }

    private static HttpClient ClientFrom(string address, Uri server) => new(ValidatingHandler.OverSocketsFrom(address)) { BaseAddress = server };

    private static Task<HttpResponseMessage> PingAsync(HttpClient client, string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/ping");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return client.SendAsync(request);
    }
}
