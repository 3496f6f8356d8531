using System.Globalization;
using System.Security.Claims;

namespace PromotionEngine.Kernel.Identity;

public enum CallerRole
{
    Merchant,
    User,
    Service,
    Operator,
}

/// <summary>Who is calling, read from the signed token's claims.</summary>
public sealed record Caller(CallerRole Role, string Subject, MerchantId? Merchant, UserId? User)
{
    public const string RoleClaim = "role";
    public const string MerchantClaim = "merchant_id";
    public const string UserClaim = "user_id";

    /// <summary>
    /// The caller a token names, or null when it names none exactly: the one role claim must be one of the four
    /// names as issued (MERCHANT, USER, SERVICE, OPERATOR: upper case, nothing around it; never parsed as a number or
    /// a list of flags), a merchant needs one positive merchant_id and a user one positive user_id, and no id
    /// claim may appear twice. The bearer handler refuses (401) a signed token for which this is null.
    /// </summary>
    public static Caller? From(ClaimsPrincipal principal) => principal is CallerRead read ? read.Caller : Read(principal);

    /// <summary>
    /// The principal of a validated token with its caller read once, so <see cref="From"/> answers it without reading the claims
    /// again (the pipeline asks about six times a request); null when the token names no caller. The token's claims are signed:
    /// they do not change after validation.
    /// </summary>
    public static ClaimsPrincipal? WithCallerRead(ClaimsPrincipal principal) =>
        Read(principal) is { } caller ? new CallerRead(principal, caller) : null;

    private static Caller? Read(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true) return null;
        if (Single(principal, RoleClaim, out var roleText) is false || RoleNamed(roleText) is not { } role) return null;
        if (Single(principal, MerchantClaim, out var merchantText) is false || Single(principal, UserClaim, out var userText) is false) return null;
        var merchant = ParseId(merchantText);
        var user = ParseId(userText);
        if (merchantText is not null && merchant is null || userText is not null && user is null) return null;
        var subject = principal.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? principal.FindFirst("sub")?.Value ?? "unknown";
        return role switch
        {
            CallerRole.Merchant when merchant is null => null,
            CallerRole.User when user is null => null,
            _ => new Caller(role, subject, merchant is { } m ? new MerchantId(m) : null, user is { } u ? new UserId(u) : null),
        };
    }

    /// <summary>The name a token carries for the role (the issuer's spelling).</summary>
    public static string NameOf(CallerRole role) => role switch
    {
        CallerRole.Merchant => "MERCHANT",
        CallerRole.User => "USER",
        CallerRole.Service => "SERVICE",
        CallerRole.Operator => "OPERATOR",
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    private static CallerRole? RoleNamed(string? name) => name switch
    {
        "MERCHANT" => CallerRole.Merchant,
        "USER" => CallerRole.User,
        "SERVICE" => CallerRole.Service,
        "OPERATOR" => CallerRole.Operator,
        _ => null,
    };

    /// <summary>False when the claim appears more than once; otherwise its value, or null when absent.</summary>
    private static bool Single(ClaimsPrincipal principal, string type, out string? value)
    {
        value = null;
        foreach (var claim in principal.FindAll(type))
        {
            if (value is not null) return false;
            value = claim.Value;
        }
        return true;
    }

    /// <summary>The same identities, and the caller they name.</summary>
    private sealed class CallerRead(ClaimsPrincipal principal, Caller caller) : ClaimsPrincipal(principal)
    {
        public Caller Caller { get; } = caller;
    }

    private static long? ParseId(string? value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;
}
