using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PromotionEngine.Kernel.Identity;

namespace PromotionEngine.WebConsole.SignIn;

internal static partial class SignInEndpoints
{
    public const string Development = ConsolePaths.SignIn + "/development";
    public const string OpenIdConnect = ConsolePaths.SignIn + "/oidc";

    public static void MapConsoleSignIn(this RouteGroupBuilder console)
    {
        var signIn = ((IEndpointRouteBuilder)console).ServiceProvider.GetRequiredService<ConsoleSignIn>();
        // Mapped only on the embedded default: with a real authority or key the route does not exist (404), whatever is posted.
        if (signIn.Mode == SignInMode.Development)
            console.MapPost("/sign-in/development", DevelopmentSignInAsync).AllowAnonymous();
        if (signIn.Mode == SignInMode.OpenIdConnect)
        {
            console.MapGet("/sign-in/oidc", (string? returnUrl) => TypedResults.Challenge(
                new AuthenticationProperties { RedirectUri = ConsolePaths.LocalOrHome(returnUrl) }, [ConsoleAuthentication.OidcScheme]))
                .AllowAnonymous();
        }
        console.MapPost("/sign-out", async (HttpContext http) =>
        {
            await http.SignOutAsync(ConsoleAuthentication.CookieScheme);
            return TypedResults.Redirect(ConsolePaths.SignIn);
        }).AllowAnonymous().WithMetadata(new RequireAntiforgeryTokenAttribute());
        console.MapPost("/preferences", ([FromForm] string? language, [FromForm] string? returnUrl, HttpContext http) =>
        {
            if (language is "en" or "zh-CN")
                http.Response.Cookies.Append(Viewing.Viewer.LanguageCookie, language, new CookieOptions
                {
                    Path = ConsolePaths.Root, HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true, MaxAge = TimeSpan.FromDays(365),
                });
            return TypedResults.Redirect(ConsolePaths.LocalOrHome(returnUrl));
        }).AllowAnonymous();
    }

    /// <summary>The development sign-in's form: a role (MERCHANT or OPERATOR) and an id; a bad one goes back to the page, saying why.</summary>
    private static async Task<IResult> DevelopmentSignInAsync(
        [FromForm] string? role, [FromForm] string? id, [FromForm] string? returnUrl, HttpContext http)
    {
        var parsed = role switch
        {
            "MERCHANT" => CallerRole.Merchant,
            "OPERATOR" => CallerRole.Operator,
            _ => (CallerRole?)null,
        };
        var valid = parsed switch
        {
            CallerRole.Merchant => id is not null && MerchantIdPattern().IsMatch(id) && id != "0" && id.Length <= 18,
            CallerRole.Operator => id is not null && OperatorIdPattern().IsMatch(id),
            _ => false,
        };
        if (parsed is not { } caller || !valid)
            return TypedResults.Redirect($"{ConsolePaths.SignIn}?invalid=1&returnUrl={Uri.EscapeDataString(ConsolePaths.LocalOrHome(returnUrl))}");
        await ConsoleAuthentication.SignInAsync(http, ConsoleAuthentication.DevelopmentPrincipal(caller, id!));
        return TypedResults.Redirect(ConsolePaths.LocalOrHome(returnUrl));
    }

    [GeneratedRegex("^[1-9][0-9]*$")]
    private static partial Regex MerchantIdPattern();

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex OperatorIdPattern();
}
