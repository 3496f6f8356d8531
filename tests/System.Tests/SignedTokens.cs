using System.Net;
using System.Net.Http.Headers;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests;

/// <summary>
/// A correctly signed token is still refused (401) unless it names exactly one of the four roles, spelled as the
/// issuer spells them, and at most one id of each kind; the refusal tells the caller nothing about why.
/// </summary>
public sealed class SignedTokens(SqliteApp app) : IClassFixture<SqliteApp>
{
    private const string OperatorEndpoint = "/api/v1/operator/messaging";

    [Theory]
    [InlineData("User, Service")] // Enum.TryParse reads flags: USER | SERVICE = 3 = OPERATOR
    [InlineData("3")]
    [InlineData(" operator ")]
    [InlineData("operator")]
    [InlineData("Operator")]
    [InlineData("OPERATOR ")]
    [InlineData("OPERATOR,USER")]
    [InlineData("")]
    public async Task A_role_that_is_not_exactly_one_of_the_four_names_is_unauthenticated(string role)
    {
        var token = Sign(new() { ["sub"] = "user:1001", ["role"] = role, ["user_id"] = "1001" });

        await (await With(token).GetAsync(OperatorEndpoint)).AssertProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
        await (await With(token).GetAsync("/api/v1/me/coupons")).AssertProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
    }

    [Fact]
    public async Task The_exact_operator_role_reaches_operator_endpoints()
    {
        var token = Sign(new() { ["sub"] = "operator:ops", ["role"] = "OPERATOR" });

        Assert.Equal(HttpStatusCode.OK, (await With(token).GetAsync(OperatorEndpoint)).StatusCode);
    }

    public static TheoryData<string, Dictionary<string, object>> TwoOfAKind => new()
    {
        { "two user ids", new() { ["sub"] = "user:1", ["role"] = "USER", ["user_id"] = new[] { "1", "2" } } },
        { "two merchant ids", new() { ["sub"] = "merchant:1", ["role"] = "MERCHANT", ["merchant_id"] = new[] { "1", "2" } } },
        { "two roles", new() { ["sub"] = "user:1", ["role"] = new[] { "USER", "OPERATOR" }, ["user_id"] = "1" } },
        { "the same role twice", new() { ["sub"] = "user:1", ["role"] = new[] { "USER", "USER" }, ["user_id"] = "1" } },
        { "a user without its id", new() { ["sub"] = "user:1", ["role"] = "USER" } },
        { "a user id that is not a number", new() { ["sub"] = "user:1", ["role"] = "USER", ["user_id"] = "1e3" } },
    };

    [Theory]
    [MemberData(nameof(TwoOfAKind))]
    public async Task A_token_with_two_ids_two_roles_or_a_missing_id_is_unauthenticated(string situation, Dictionary<string, object> claims)
    {
        var token = Sign(claims);

        foreach (var url in new[] { "/api/v1/me/coupons", "/api/v1/merchant/templates", OperatorEndpoint })
        {
            var response = await With(token).GetAsync(url);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{situation}: {url} answered {(int)response.StatusCode}");
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
        }
    }

    [Fact]
    public async Task A_refused_token_is_challenged_with_a_bare_Bearer()
    {
        var otherKey = new SymmetricSecurityKey("another-key-that-is-32-bytes-long!!"u8.ToArray());
        var forged = Sign(new() { ["sub"] = "operator:ops", ["role"] = "OPERATOR" }, otherKey);
        var expired = Sign(new() { ["sub"] = "operator:ops", ["role"] = "OPERATOR" }, expires: DateTime.UtcNow.AddMinutes(-10));

        foreach (var token in new[] { forged, expired, "not-a-token",
            Sign(new() { ["sub"] = "user:1", ["role"] = "User, Service", ["user_id"] = "1" }) })
        {
            var response = await With(token).GetAsync(OperatorEndpoint);
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
            Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).ToString());
        }
    }

    [Fact]
    public async Task With_a_token_remembered_its_tampered_copy_its_use_outside_its_role_and_a_wrong_role_are_still_refused()
    {
        var token = Sign(new() { ["sub"] = "user:1001", ["role"] = "USER", ["user_id"] = "1001" });
        Assert.Equal(HttpStatusCode.OK, (await With(token).GetAsync("/api/v1/me/coupons")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await With(token).GetAsync("/api/v1/me/coupons")).StatusCode); // remembered now

        await (await With(token).GetAsync(OperatorEndpoint)).AssertProblemAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        var parts = token.Split('.');
        var payload = Base64UrlEncoder.Decode(parts[1]).Replace("\"USER\"", "\"OPERATOR\"", StringComparison.Ordinal);
        var promoted = $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";
        await (await With(promoted).GetAsync(OperatorEndpoint)).AssertProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
        var lowercase = Sign(new() { ["sub"] = "user:1001", ["role"] = "user", ["user_id"] = "1001" });
        for (var i = 0; i < 2; i++) // validly signed, so remembered: the role is still read on every request
            await (await With(lowercase).GetAsync("/api/v1/me/coupons")).AssertProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
    }

    private HttpClient With(string token)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A token with exactly these claims, signed as the engine under test expects (or with another key).</summary>
    internal static string Sign(Dictionary<string, object> claims, SecurityKey? key = null, DateTime? expires = null)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            Issuer = "promotion-engine",
            Audience = "promotion-engine",
            IssuedAt = (expires ?? now) - TimeSpan.FromHours(1),
            NotBefore = (expires ?? now) - TimeSpan.FromHours(1),
            Expires = expires ?? now.AddHours(1),
            SigningCredentials = new SigningCredentials(key ?? new SymmetricSecurityKey(EngineApp.SigningKey), SecurityAlgorithms.HmacSha256),
        });
    }
}
