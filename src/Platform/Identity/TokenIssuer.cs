using System.Globalization;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PromotionEngine.Kernel.Identity;

namespace PromotionEngine.Platform.Identity;

/// <summary>Signs tokens with the embedded key: the `token` command and the tests use it; production tokens come from the issuer.</summary>
internal sealed class TokenIssuer(SecurityKey key, string issuer, string audience, TimeProvider clock)
{
    public string Issue(CallerRole role, string id, TimeSpan lifetime)
    {
        var claims = new List<Claim>
        {
            new("sub", $"{role.ToString().ToLowerInvariant()}:{id}"),
            new(Caller.RoleClaim, Caller.NameOf(role)),
        };
        if (role == CallerRole.Merchant) claims.Add(new Claim(Caller.MerchantClaim, RequireNumber(id)));
        if (role == CallerRole.User) claims.Add(new Claim(Caller.UserClaim, RequireNumber(id)));
        var now = clock.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }

    private static string RequireNumber(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? id
            : throw new ArgumentException("Merchant and user ids are positive whole numbers.", nameof(id));
}
