using System.Net;

namespace PromotionEngine.System.Tests.WebConsole;

/// <summary>
/// The development sign-in (pick a role and an id) exists only on the embedded default: with a real authority or a configured key
/// the page offers no such form and its endpoint is not there, whatever is posted to it.
/// </summary>
public sealed class DevelopmentSignIn
{
    public static TheoryData<string, string> RealIssuers => new()
    {
        { "Promotion:Auth:SigningKey", Convert.ToBase64String(new byte[32]) },
        { "Promotion:Auth:Authority", "https://login.example.test/realm" },
    };

    [Theory]
    [MemberData(nameof(RealIssuers))]
    public async Task Cannot_be_used_when_a_real_authority_or_key_is_configured(string setting, string value)
    {
        await using var host = await ConsoleHost.StartAsync(new Dictionary<string, string> // in Development even so: the configured issuer wins
        {
            [setting] = value,
            ["Console:ClientId"] = "promotion-console",
        });
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };

        var page = await client.GetStringAsync("/console/sign-in");
        Assert.DoesNotContain("/console/sign-in/development", page, StringComparison.Ordinal);
        Assert.DoesNotContain("dev-banner", page, StringComparison.Ordinal);

        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["role"] = "OPERATOR", ["id"] = "root" });
        var posted = await client.PostAsync("/console/sign-in/development", form);
        // No such endpoint: the request falls to the API's fallback policy (a bearer token required), and nobody is signed in.
        Assert.Equal(HttpStatusCode.Unauthorized, posted.StatusCode);
        Assert.False(posted.Headers.Contains("Set-Cookie"));
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/console/templates")).StatusCode); // to the sign-in page
    }

    [Fact]
    public async Task Is_offered_and_marked_on_the_embedded_default()
    {
        await using var host = await ConsoleHost.StartAsync();
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };
        var page = await client.GetStringAsync("/console/sign-in");
        Assert.Contains("action=\"/console/sign-in/development\"", page, StringComparison.Ordinal);
        Assert.Contains("dev-banner", page, StringComparison.Ordinal);
        Assert.Contains("__RequestVerificationToken", page, StringComparison.Ordinal);

        // Without the form's antiforgery token the post signs nobody in.
        using var forged = new FormUrlEncodedContent(new Dictionary<string, string> { ["role"] = "OPERATOR", ["id"] = "root" });
        var posted = await client.PostAsync("/console/sign-in/development", forged);
        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.False(posted.Headers.Contains("Set-Cookie"));
    }
}
