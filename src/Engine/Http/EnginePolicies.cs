using Microsoft.AspNetCore.Http;

namespace PromotionEngine.Engine.Http;

/// <summary>The authorization policies the engine's endpoints name; the Host defines them from token roles.</summary>
internal static class EnginePolicies
{
    public const string User = "user";
    public const string Service = "service";
    public const string Operator = "operator";

    // The service policy guarantees a service caller; its token subject is the identity an order belongs to.
    public static Checkout.OrderCaller ServiceOf(HttpContext http) =>
        Checkout.OrderCaller.Service(PolicyCallers.ServiceOf(http));
}
