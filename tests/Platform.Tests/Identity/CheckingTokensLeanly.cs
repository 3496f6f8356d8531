using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.Platform.Identity;

namespace PromotionEngine.Platform.Tests.Identity;

/// <summary>
/// The lean HS256 check (<see cref="LeanHmacTokens"/>) only ever says yes, and only to what the library's full check accepts:
/// a genuine token gets the library's identity; a tampered, forged, expired, early, foreign or odd token is not vouched for,
/// and the handler's answer is then the library's.
/// </summary>
public sealed class CheckingTokensLeanly
{
    private static readonly byte[] KeyBytes = Encoding.ASCII.GetBytes("a-signing-key-of-at-least-32-bytes!!");
    private static readonly SymmetricSecurityKey Key = new(KeyBytes);
    private static readonly DateTime Now = DateTime.UtcNow;
    private static readonly long NowSeconds = new DateTimeOffset(Now).ToUnixTimeSeconds();

    [Fact]
    public async Task A_genuine_token_is_vouched_for_with_the_identity_the_library_builds()
    {
        var token = Issue(CallerRole.User, "1001");

        Assert.True(LeanHmacTokens.TryValidate(token, Parameters(), DateTime.UtcNow, out var lean, out var vouched));
        var full = await new JsonWebTokenHandler { MapInboundClaims = false }.ValidateTokenAsync(token, Parameters());

        Assert.True(full.IsValid);
        Assert.Equal(Claims(full.ClaimsIdentity), Claims(lean));
        Assert.Equal(full.ClaimsIdentity.AuthenticationType, lean.AuthenticationType);
        Assert.Equal(full.ClaimsIdentity.NameClaimType, lean.NameClaimType);
        Assert.Equal(full.ClaimsIdentity.RoleClaimType, lean.RoleClaimType);
        Assert.Equal(full.ClaimsIdentity.GetType(), lean.GetType()); // case-sensitive look-ups, as the library's
        Assert.Equal(full.SecurityToken.ValidTo, vouched.ValidTo);
        Assert.Equal(full.SecurityToken.ValidFrom, vouched.ValidFrom);
        Assert.Equal("1001", Caller.From(new ClaimsPrincipal(lean))?.User?.Value.ToString());
    }

    [Fact]
    public async Task The_handler_answers_a_genuine_token_from_the_lean_check_and_the_same_token_refused_with_the_check_off()
    {
        var token = Issue(CallerRole.Merchant, "7");
        var lean = new CachingTokenHandler(0, TimeProvider.System) { MapInboundClaims = false };
        var full = new CachingTokenHandler(0, TimeProvider.System) { MapInboundClaims = false, LeanChecks = false };

        Assert.True((await lean.ValidateTokenAsync(token, Parameters())).IsValid);
        Assert.True((await full.ValidateTokenAsync(token, Parameters())).IsValid);
        Assert.Equal(1, lean.LeanCheckCount);
        Assert.Equal(0, full.LeanCheckCount);
    }

    public static TheoryData<string, string> Refused => new()
    {
        { "payload changed", Tamper(Sign(Header(), Payload()), part: 1) },
        { "signature changed", Tamper(Sign(Header(), Payload()), part: 2) },
        { "another key", Sign(Header(), Payload(), key: Encoding.ASCII.GetBytes("a-forger's-key-of-at-least-32-bytes!")) },
        { "no signature", Sign(Header(), Payload()).Split('.')[0] + "." + Sign(Header(), Payload()).Split('.')[1] + "." },
        { "alg none", Sign("""{"alg":"none","typ":"JWT"}""", Payload()) },
        { "alg HS512", Sign("""{"alg":"HS512","typ":"JWT"}""", Payload()) },
        { "expired", Sign(Header(), Payload(exp: NowSeconds - 3600)) },
        { "expired within the skew", Sign(Header(), Payload(exp: NowSeconds - 5)) },
        { "no expiry", Sign(Header(), Payload(exp: null)) },
        { "not yet valid", Sign(Header(), Payload(nbf: NowSeconds + 3600)) },
        { "another issuer", Sign(Header(), Payload(iss: "someone-else")) },
        { "another audience", Sign(Header(), Payload(aud: "\"another-service\"")) },
        { "audience in other case", Sign(Header(), Payload(aud: "\"Promotion-Engine\"")) },
        { "an extra header member", Sign("""{"alg":"HS256","typ":"JWT","crit":["exp"]}""", Payload()) },
        { "a key id the key has not", Sign("""{"alg":"HS256","kid":"k1","typ":"JWT"}""", Payload()) },
        { "a claim twice", Sign(Header(), Payload(extra: "\"role\":\"OPERATOR\",")) },
        { "an object claim", Sign(Header(), Payload(extra: "\"act\":{\"sub\":\"x\"},")) },
        { "a fraction", Sign(Header(), Payload(extra: "\"score\":1.5,")) },
        { "padding", Sign(Header(), Payload()) + "=" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_token_the_lean_check_cannot_vouch_for_is_left_to_the_full_check(string why, string token)
    {
        Assert.False(LeanHmacTokens.TryValidate(token, Parameters(), Now, out _, out _), why);
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task The_handler_answers_such_a_token_as_the_library_does(string why, string token)
    {
        var handler = new CachingTokenHandler(100, TimeProvider.System) { MapInboundClaims = false };
        var library = await new JsonWebTokenHandler { MapInboundClaims = false }.ValidateTokenAsync(token, Parameters());

        var answer = await handler.ValidateTokenAsync(token, Parameters());

        Assert.True(library.IsValid == answer.IsValid, why);
        Assert.Equal(0, handler.LeanCheckCount);
    }

    [Fact]
    public void Parameters_other_than_the_embedded_keys_are_left_to_the_full_check()
    {
        var token = Sign(Header(), Payload());
        Assert.True(LeanHmacTokens.TryValidate(token, Parameters(), Now, out _, out _));

        var noIssuerCheck = Parameters();
        noIssuerCheck.ValidateIssuer = false;
        var moreAlgorithms = Parameters();
        moreAlgorithms.ValidAlgorithms = [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.HmacSha512];
        var ownLifetimeCheck = Parameters();
        ownLifetimeCheck.LifetimeValidator = (_, _, _, _) => true;
        var twoKeys = Parameters();
        twoKeys.IssuerSigningKeys = [new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32))];
        var shortKey = Parameters();
        shortKey.IssuerSigningKey = new SymmetricSecurityKey(KeyBytes[..16]);

        foreach (var p in new[] { noIssuerCheck, moreAlgorithms, ownLifetimeCheck, twoKeys, shortKey })
            Assert.False(LeanHmacTokens.TryValidate(token, p, Now, out _, out _));
    }

    private static string Issue(CallerRole role, string id) =>
        new TokenIssuer(Key, "promotion-engine", "promotion-engine", TimeProvider.System).Issue(role, id, TimeSpan.FromMinutes(10));

    private static string Header() => """{"alg":"HS256","typ":"JWT"}""";

    private static string Payload(
        long? exp = 0, long? nbf = null, string iss = "promotion-engine", string aud = "\"promotion-engine\"", string extra = "") =>
        "{" + extra + "\"sub\":\"user:1001\",\"role\":\"USER\",\"user_id\":\"1001\",\"iss\":\"" + iss + "\",\"aud\":" + aud
        + (exp is null ? "" : ",\"exp\":" + (exp == 0 ? NowSeconds + 600 : exp))
        + ",\"nbf\":" + (nbf ?? NowSeconds - 1) + ",\"iat\":" + (NowSeconds - 1) + "}";

    private static string Sign(string header, string payload, byte[]? key = null)
    {
        var signed = Base64UrlEncoder.Encode(header) + "." + Base64UrlEncoder.Encode(payload);
        return signed + "." + Base64UrlEncoder.Encode(HMACSHA256.HashData(key ?? KeyBytes, Encoding.ASCII.GetBytes(signed)));
    }

    private static string Tamper(string token, int part)
    {
        var parts = token.Split('.');
        parts[part] = part == 1
            ? Base64UrlEncoder.Encode(Base64UrlEncoder.Decode(parts[1]).Replace("1001", "1002", StringComparison.Ordinal))
            : (parts[2][0] == 'A' ? "B" : "A") + parts[2][1..];
        return string.Join('.', parts);
    }

    private static string[] Claims(ClaimsIdentity identity) => identity.Claims.Select(c => $"{c.Type}={c.Value}@{c.Issuer}").ToArray();

    private static TokenValidationParameters Parameters() => new()
    {
        ValidIssuer = "promotion-engine",
        ValidAudience = "promotion-engine",
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        ClockSkew = TimeSpan.FromSeconds(30),
        IssuerSigningKey = Key,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        RoleClaimType = Caller.RoleClaim,
        NameClaimType = "sub",
    };
}
