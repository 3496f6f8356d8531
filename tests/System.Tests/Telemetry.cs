using System.Net;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests;

/// <summary>Metrics are served for a Prometheus scrape: the backbone's own, the web server's and the runtime's.</summary>
public sealed class Telemetry(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task The_scrape_shows_the_relay_publishing_and_its_lag()
    {
        await app.AsMerchant(EngineApp.NewId()).CreateTemplateAsync(Api.ATemplate(app.Clock.GetUtcNow()));
        using var anonymous = app.CreateClient();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        string scrape;
        do
        {
            var response = await anonymous.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            scrape = await response.Content.ReadAsStringAsync();
            if (scrape.Contains("promotion_messaging_published")) break;
            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Contains("promotion_messaging_published", scrape);
        Assert.Contains("promotion_messaging_relay_lag", scrape);
        Assert.Contains("http_server_request_duration", scrape);
    }
}
