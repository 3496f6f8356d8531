using Microsoft.Extensions.Configuration;

namespace PromotionEngine.WebConsole;

/// <summary>The console's settings (section "Console"); the authority itself is the API's (Promotion:Auth:Authority).</summary>
internal sealed class ConsoleOptions
{
    public const string Section = "Console";

    /// <summary>Where the console calls the API; absent: this process's own address (the single process serves both).</summary>
    public Uri? ApiBaseUrl { get; set; }

    /// <summary>The console's client at the OpenID Connect authority.</summary>
    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>The scopes asked for, space-separated; the access token must be one the API accepts (its audience).</summary>
    public string Scopes { get; set; } = "openid profile";

    public static ConsoleOptions Read(IConfiguration configuration)
    {
        var options = new ConsoleOptions();
        configuration.GetSection(Section).Bind(options);
        return options;
    }
}
