using Microsoft.AspNetCore.Http;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Identity;

namespace PromotionEngine.ModuleHttp;

/// <summary>
/// The caller an endpoint's authorization policy let through. The Host's policies guarantee the role and its id, so a
/// caller without them here is a bug in the policy, not a bad request: it throws (a 500), never answers 4xx.
/// </summary>
internal static class PolicyCallers
{
    /// <summary>The merchant policy guarantees a merchant caller with a merchant id.</summary>
    public static (Caller Caller, MerchantId Merchant) MerchantCallerOf(HttpContext http)
    {
        var caller = Caller.From(http.User) ?? throw new InvalidOperationException("The merchant policy let through a caller without identity.");
        return (caller, caller.Merchant ?? throw new InvalidOperationException("The merchant policy let through a caller without a merchant id."));
    }

    public static MerchantId MerchantOf(HttpContext http) => MerchantCallerOf(http).Merchant;

    /// <summary>The user policy guarantees a user caller with a user id.</summary>
    public static UserId UserOf(HttpContext http) =>
        Caller.From(http.User)?.User ?? throw new InvalidOperationException("The user policy let through a caller without a user id.");

    /// <summary>The service policy guarantees a service caller; its token subject is who orders, quotes and records belong to.</summary>
    public static string ServiceOf(HttpContext http) =>
        Caller.From(http.User)?.Subject ?? throw new InvalidOperationException("The service policy let through a caller without identity.");
}
