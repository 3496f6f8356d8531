using Microsoft.Extensions.Configuration;
using PromotionEngine.Kernel.Identity;

namespace PromotionEngine.WebConsole.SignIn;

internal enum SignInMode
{
    /// <summary>Production: the configured OpenID Connect authority signs people in.</summary>
    OpenIdConnect,

    /// <summary>The embedded default only (the data folder's key): pick a role and an id; clearly marked as development.</summary>
    Development,

    /// <summary>Nobody can sign in: a configured key without an authority, or an authority without the console's client.</summary>
    Unavailable,
}

/// <summary>How people sign in to the console, decided once from the API's own auth settings.</summary>
internal sealed class ConsoleSignIn
{
    private readonly Func<CallerRole, string, string>? _developmentToken;

    private ConsoleSignIn(SignInMode mode, string? authority, string? why, Func<CallerRole, string, string>? developmentToken)
        => (Mode, Authority, WhyUnavailable, _developmentToken) = (mode, authority, why, developmentToken);

    public SignInMode Mode { get; }

    public string? Authority { get; }

    /// <summary>What the sign-in page says when nobody can sign in.</summary>
    public string? WhyUnavailable { get; }

    /// <summary>
    /// The development sign-in exists only on the embedded default: no Promotion:Auth:Authority, no Promotion:Auth:SigningKey and a
    /// token minter for the data folder's key. A real authority or key always wins, whatever else is given.
    /// </summary>
    public static ConsoleSignIn Choose(IConfiguration configuration, Func<CallerRole, string, string>? developmentToken)
    {
        var authority = configuration["Promotion:Auth:Authority"];
        var key = configuration["Promotion:Auth:SigningKey"];
        if (!string.IsNullOrWhiteSpace(authority))
        {
            return string.IsNullOrWhiteSpace(configuration[$"{ConsoleOptions.Section}:ClientId"])
                ? new ConsoleSignIn(SignInMode.Unavailable, authority,
                    "Console:ClientId (and Console:ClientSecret) name the console's client at the authority: not set.", null)
                : new ConsoleSignIn(SignInMode.OpenIdConnect, authority, null, null);
        }
        if (!string.IsNullOrWhiteSpace(key))
            return new ConsoleSignIn(SignInMode.Unavailable, null,
                "The API checks tokens with Promotion:Auth:SigningKey and no authority is configured: set Promotion:Auth:Authority and "
                + "Console:ClientId to sign in to the console.", null);
        return developmentToken is null
            ? new ConsoleSignIn(SignInMode.Unavailable, null, "No token issuer is configured.", null)
            : new ConsoleSignIn(SignInMode.Development, null, null, developmentToken);
    }

    /// <summary>A token for the API, signed with the embedded key; only in development mode.</summary>
    public string DevelopmentToken(CallerRole role, string id) => Mode == SignInMode.Development && _developmentToken is not null
        ? _developmentToken(role, id)
        : throw new InvalidOperationException("Development tokens exist only on the embedded default.");
}
