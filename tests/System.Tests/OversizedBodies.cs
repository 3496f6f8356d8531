using System.Net;
using System.Net.Http.Headers;
using System.Text;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests;

/// <summary>
/// A JSON body over the server's request size limit (Kestrel's 30 MB; the in-process test server has none, so a real Host
/// is started): refused 413 with a code of its own, and nothing is stored.
/// </summary>
public sealed class OversizedBodies
{
    [Fact]
    public async Task A_json_body_over_the_request_size_limit_is_413_REQUEST_TOO_LARGE_and_stores_nothing()
    {
        var directory = Path.Combine(Path.GetTempPath(), "promo-tests-" + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string>
        {
            ["Promotion:DataDirectory"] = directory,
            ["Promotion:Auth:SigningKey"] = Convert.ToBase64String(EngineApp.SigningKey),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        try
        {
            await using var host = await HostProcess.StartAsync(settings);
            using var merchant = host.CreateClient();
            merchant.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
                "Bearer", EngineApp.Tokens.Issue(CallerRole.Merchant, "78", TimeSpan.FromHours(1)));
            var body = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"name\":\"" + new string('a', 31 * 1024 * 1024) + "\"}"));
            body.Headers.ContentType = new MediaTypeHeaderValue("application/json");

            // Expect: 100-continue, as a careful client sends a large body: the server refuses on the Content-Length before the
            // body is sent (without it the 413 races the client's writing, which fails on the closed connection).
            merchant.DefaultRequestHeaders.ExpectContinue = true;
            var response = await merchant.PostAsync("/api/v1/merchant/templates", body);

            var problem = await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "REQUEST_TOO_LARGE");
            Assert.Contains("30", problem.Str("detail"));
            var list = await (await merchant.GetAsync("/api/v1/merchant/templates")).JsonAsync();
            Assert.Equal(0, list.GetProperty("items").GetArrayLength());
        }
        finally
        {
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }
}
