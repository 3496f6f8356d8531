using System.Net;
using System.Net.Http.Headers;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests;

/// <summary>
/// Metrics are served for a Prometheus scrape (the backbone's own, the web server's and the runtime's) on the
/// management port only; the public port answers neither metrics nor health, whatever the Host header says.
/// </summary>
public sealed class Telemetry : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "promo-telemetry-" + Guid.NewGuid().ToString("N"));
    private HostProcess _host = null!;

    public async Task InitializeAsync() => _host = await HostProcess.StartAsync(new Dictionary<string, string>
    {
        ["Promotion:DataDirectory"] = _data,
        ["Promotion:Auth:SigningKey"] = Convert.ToBase64String(EngineApp.SigningKey),
    });

    [Fact]
    public async Task The_scrape_on_the_management_port_shows_the_relay_publishing_and_its_lag()
    {
        using var merchant = _host.CreateClient();
        merchant.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer", EngineApp.Tokens.Issue(CallerRole.Merchant, EngineApp.NewId().ToString(), TimeSpan.FromHours(1)));
        await merchant.CreateTemplateAsync(Api.ATemplate(DateTimeOffset.UtcNow));
        using var management = _host.CreateManagementClient();

        var scrape = await Eventually(async () =>
        {
            var response = await management.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }, body => body.Contains("promotion_messaging_published"), Seconds(30), "the relay's first publish in the scrape",
            every: TimeSpan.FromMilliseconds(200));

        Assert.Contains("promotion_messaging_published", scrape);
        Assert.Contains("promotion_messaging_relay_lag", scrape);
        Assert.Contains("http_server_request_duration", scrape);
    }

    [Theory]
    [InlineData("/metrics")]
    [InlineData("/health")]
    [InlineData("/health/ready")]
    [InlineData("/health/live")]
    public async Task The_public_port_serves_no_metrics_and_no_health_even_to_a_request_naming_the_management_port(string path)
    {
        using var anonymous = _host.CreateClient();
        using var management = _host.CreateManagementClient();

        Assert.Equal(HttpStatusCode.OK, (await management.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(path)).StatusCode);
        var spoofed = new HttpRequestMessage(HttpMethod.Get, path);
        spoofed.Headers.Host = $"127.0.0.1:{_host.ManagementPort}";
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.SendAsync(spoofed)).StatusCode);
    }

    [Fact]
    public async Task The_management_port_serves_nothing_but_metrics_and_health()
    {
        using var management = _host.CreateManagementClient();
        using var anonymous = _host.CreateClient();

        Assert.Equal(HttpStatusCode.NoContent, (await anonymous.GetAsync("/api/v1/ping")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await management.GetAsync("/api/v1/ping")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await management.GetAsync("/openapi/v1.json")).StatusCode);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }
}
