using System.Text;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.Platform.Identity;

namespace PromotionEngine.Platform.Tests.Identity;

/// <summary>
/// The bearer check remembers validated tokens by their hash (CachingTokenHandler) and is never weaker for it: with the genuine
/// token remembered, a tampered copy, an expired one, one under another key, issuer or audience are all refused.
/// </summary>
public sealed class RememberingValidatedTokens
{
    private static readonly SymmetricSecurityKey Key = new(Encoding.ASCII.GetBytes("a-signing-key-of-at-least-32-bytes!!"));
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task A_validated_token_is_answered_from_memory_the_next_time_with_the_same_claims()
    {
        var handler = Handler();
        var token = Issue(CallerRole.User, "1001", TimeSpan.FromMinutes(10));

        var first = await handler.ValidateTokenAsync(token, Parameters());
        var second = await handler.ValidateTokenAsync(token, Parameters());

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.Equal(1, handler.Hits);
        Assert.Equal("1001", second.ClaimsIdentity.FindFirst(Caller.UserClaim)?.Value);
        Assert.Equal("USER", second.ClaimsIdentity.FindFirst(Caller.RoleClaim)?.Value);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity); // a request that adds a claim changes no other request's identity
    }

    [Fact]
    public async Task With_the_genuine_token_remembered_a_tampered_copy_is_refused()
    {
        var handler = Handler();
        var token = Issue(CallerRole.User, "1001", TimeSpan.FromMinutes(10));
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);

        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("1001", "1002", StringComparison.Ordinal);
        var otherUser = $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";
        var otherSignature = $"{parts[0]}.{parts[1]}.{(parts[2][0] == 'A' ? 'B' : 'A')}{parts[2][1..]}";

        Assert.False((await handler.ValidateTokenAsync(otherUser, Parameters())).IsValid);
        Assert.False((await handler.ValidateTokenAsync(otherSignature, Parameters())).IsValid);
        Assert.Equal(0, handler.Hits);
    }

    [Fact]
    public async Task A_remembered_token_is_refused_as_expired_once_its_lifetime_and_the_clock_skew_have_passed()
    {
        var handler = Handler();
        var token = Issue(CallerRole.User, "1001", TimeSpan.FromMinutes(10));
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);

        _clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(29));
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid); // within the skew the full check allows
        _clock.Advance(TimeSpan.FromSeconds(2));
        var late = await handler.ValidateTokenAsync(token, Parameters());

        Assert.False(late.IsValid);
        Assert.IsType<SecurityTokenExpiredException>(late.Exception);
    }

    [Fact]
    public async Task A_remembered_token_is_checked_in_full_again_under_another_key_issuer_or_audience_and_refused()
    {
        var handler = Handler();
        var token = Issue(CallerRole.Merchant, "7", TimeSpan.FromMinutes(10));
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);

        var rotated = Parameters();
        rotated.IssuerSigningKey = new SymmetricSecurityKey(Encoding.ASCII.GetBytes("another-signing-key-of-32-bytes!!!!!"));
        var otherIssuer = Parameters();
        otherIssuer.ValidIssuer = "someone-else";
        var otherAudience = Parameters();
        otherAudience.ValidAudience = "another-service";

        Assert.False((await handler.ValidateTokenAsync(token, rotated)).IsValid);
        Assert.False((await handler.ValidateTokenAsync(token, otherIssuer)).IsValid);
        Assert.False((await handler.ValidateTokenAsync(token, otherAudience)).IsValid);
        Assert.Equal(0, handler.Hits);
    }

    [Fact]
    public async Task A_token_that_failed_is_never_remembered_and_memory_stays_within_its_size()
    {
        var handler = Handler(capacity: 2);
        var forged = new TokenIssuer(new SymmetricSecurityKey(Encoding.ASCII.GetBytes("a-forger's-key-of-at-least-32-bytes!")),
            "promotion-engine", "promotion-engine", _clock).Issue(CallerRole.Operator, "ops", TimeSpan.FromMinutes(10));
        Assert.False((await handler.ValidateTokenAsync(forged, Parameters())).IsValid);
        Assert.False((await handler.ValidateTokenAsync(forged, Parameters())).IsValid);
        Assert.Equal(0, handler.Count);

        for (var user = 1; user <= 5; user++)
            Assert.True((await handler.ValidateTokenAsync(Issue(CallerRole.User, user.ToString(), TimeSpan.FromMinutes(10)), Parameters())).IsValid);
        Assert.InRange(handler.Count, 1, 2);
    }

    private CachingTokenHandler Handler(int capacity = 100) => new(capacity, _clock) { MapInboundClaims = false };

    // The tokens are issued at the real time: the full check reads the system clock, the memory the test's (started at the same time).
    private string Issue(CallerRole role, string id, TimeSpan lifetime) =>
        new TokenIssuer(Key, "promotion-engine", "promotion-engine", _clock).Issue(role, id, lifetime);

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
