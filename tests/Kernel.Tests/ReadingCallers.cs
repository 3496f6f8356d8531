using System.Security.Claims;
using PromotionEngine.Kernel.Identity;

namespace PromotionEngine.Kernel.Tests;

/// <summary>
/// A validated token's caller is read once (Caller.WithCallerRead) and answered by Caller.From for the rest of the request, the
/// same as reading the claims would; a token naming no caller exactly gets no principal.
/// </summary>
public sealed class ReadingCallers
{
    [Fact]
    public void A_principal_with_its_caller_read_answers_the_same_caller_each_time_without_reading_again()
    {
        var signedIn = Principal(("role", "USER"), ("user_id", "1001"), ("sub", "alice"));

        var read = Caller.WithCallerRead(signedIn)!;

        Assert.Equal(Caller.From(signedIn), Caller.From(read));
        Assert.Equal(new Caller(CallerRole.User, "alice", null, new UserId(1001)), Caller.From(read));
        Assert.Same(Caller.From(read), Caller.From(read));
        Assert.Equal(signedIn.Claims.Select(c => (c.Type, c.Value)), read.Claims.Select(c => (c.Type, c.Value)));
    }

    [Theory]
    [InlineData("user", "1001")] // the role as issued is upper case
    [InlineData("USER", "0")] // a user needs a positive user_id
    [InlineData("MERCHANT", "1001")] // a merchant needs a merchant_id
    public void A_principal_naming_no_caller_exactly_gets_none(string role, string userId) =>
        Assert.Null(Caller.WithCallerRead(Principal(("role", role), ("user_id", userId))));

    private static ClaimsPrincipal Principal(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), authenticationType: "Bearer"));
}
