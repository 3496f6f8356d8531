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

    public static Caller? From(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true) return null;
        if (!Enum.TryParse<CallerRole>(principal.FindFirst(RoleClaim)?.Value, ignoreCase: true, out var role)) return null;
        var subject = principal.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? principal.FindFirst("sub")?.Value ?? "unknown";
        var merchant = ParseId(principal.FindFirst(MerchantClaim)?.Value);
        var user = ParseId(principal.FindFirst(UserClaim)?.Value);
        return role switch
        {
            CallerRole.Merchant when merchant is null => null,
            CallerRole.User when user is null => null,
            _ => new Caller(role, subject, merchant is { } m ? new MerchantId(m) : null, user is { } u ? new UserId(u) : null),
        };
    }

    private static long? ParseId(string? value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;
}
