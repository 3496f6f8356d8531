using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using PromotionEngine.Kernel.Identity;

namespace PromotionEngine.WebConsole.SignIn;

/// <summary>
/// The console's own schemes beside the API's bearer tokens: a cookie (HttpOnly, SameSite=Lax, secure over HTTPS) holding the
/// person the authority or the development sign-in named, and in production OpenID Connect (code flow with PKCE) against the
/// API's authority. Only MERCHANT and OPERATOR may use the console; the claims are read as the API reads a token's
/// (<see cref="Caller.From"/>).
/// </summary>
internal static class ConsoleAuthentication
{
    public const string CookieScheme = "console";
    public const string OidcScheme = "console-oidc";
    public const string Policy = "console";
    public const string CookieName = "promo-console";

    /// <summary>The id the person signed in with (the merchant id, or the operator's name); kept for the development tokens.</summary>
    public const string IdClaim = "console_id";

    public static void AddConsoleAuthentication(this IServiceCollection services, ConsoleOptions options, ConsoleSignIn signIn)
    {
        var auth = services.AddAuthentication().AddCookie(CookieScheme, cookie =>
        {
            cookie.Cookie.Name = CookieName;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.Cookie.Path = ConsolePaths.Root;
            cookie.LoginPath = ConsolePaths.SignIn;
            cookie.AccessDeniedPath = ConsolePaths.SignIn;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
        });
        if (signIn.Mode == SignInMode.OpenIdConnect)
        {
            auth.AddOpenIdConnect(OidcScheme, oidc =>
            {
                oidc.Authority = signIn.Authority;
                oidc.ClientId = options.ClientId;
                oidc.ClientSecret = options.ClientSecret;
                oidc.ResponseType = OpenIdConnectResponseType.Code;
                oidc.UsePkce = true;
                oidc.SaveTokens = true; // the access token is what the console calls the API with
                oidc.GetClaimsFromUserInfoEndpoint = true;
                oidc.MapInboundClaims = false; // "role", "merchant_id", "sub" as issued, as the API reads them
                oidc.SignInScheme = CookieScheme;
                oidc.CallbackPath = ConsolePaths.Root + "/signin-oidc";
                oidc.SignedOutCallbackPath = ConsolePaths.Root + "/signout-callback-oidc";
                oidc.Scope.Clear();
                foreach (var scope in options.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries)) oidc.Scope.Add(scope);
                oidc.TokenValidationParameters.RoleClaimType = Caller.RoleClaim;
                oidc.TokenValidationParameters.NameClaimType = "sub";
                oidc.Events.OnTicketReceived = context =>
                {
                    if (ConsoleCaller.Of(context.Principal!) is null)
                    {
                        context.Response.Redirect(ConsolePaths.SignIn + "?refused=1");
                        context.HandleResponse();
                    }
                    return Task.CompletedTask;
                };
            });
        }
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(CookieScheme)
            .RequireAuthenticatedUser()
            .RequireAssertion(c => ConsoleCaller.Of(c.User) is not null));
    }

    /// <summary>The cookie principal of the development sign-in: the claims a token of the embedded issuer carries.</summary>
    public static ClaimsPrincipal DevelopmentPrincipal(CallerRole role, string id)
    {
        var claims = new List<Claim>
        {
            new("sub", $"{role.ToString().ToLowerInvariant()}:{id}"),
            new(Caller.RoleClaim, Caller.NameOf(role)),
            new(IdClaim, id),
        };
        if (role == CallerRole.Merchant) claims.Add(new Claim(Caller.MerchantClaim, id));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieScheme, "sub", Caller.RoleClaim));
    }

    public static Task SignInAsync(HttpContext http, ClaimsPrincipal principal) =>
        http.SignInAsync(CookieScheme, principal, new AuthenticationProperties { IsPersistent = false });
}
