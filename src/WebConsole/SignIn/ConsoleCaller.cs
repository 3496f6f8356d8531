using System.Security.Claims;
using PromotionEngine.Kernel.Identity;

namespace PromotionEngine.WebConsole.SignIn;

/// <summary>Who is signed in to the console: a merchant or an operator, read from the claims as the API reads a token's.</summary>
internal static class ConsoleCaller
{
    public static Caller? Of(ClaimsPrincipal principal) =>
        Caller.From(principal) is { Role: CallerRole.Merchant or CallerRole.Operator } caller ? caller : null;

    /// <summary>The id a development token is issued for: the merchant id, or the operator's name.</summary>
    public static string IdOf(ClaimsPrincipal principal, Caller caller) =>
        caller.Merchant is { } merchant ? merchant.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : principal.FindFirst(ConsoleAuthentication.IdClaim)?.Value ?? caller.Subject;
}
