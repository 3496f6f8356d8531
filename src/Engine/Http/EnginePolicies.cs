using Microsoft.AspNetCore.Http;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Identity;

namespace PromotionEngine.Engine.Http;

/// <summary>The authorization policies the engine's endpoints name; the Host defines them from token roles.</summary>
internal static class EnginePolicies
{
    public const string User = "user";
    public const string Service = "service";
    public const string Operator = "operator";

    // The user policy guarantees a user caller with a user id.
    public static UserId UserOf(HttpContext http) =>
        Caller.From(http.User)?.User ?? throw new InvalidOperationException("The user policy let through a caller without a user id.");
}
