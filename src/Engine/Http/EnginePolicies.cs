namespace PromotionEngine.Engine.Http;

/// <summary>The authorization policies the engine's endpoints name; the Host defines them from token roles.</summary>
internal static class EnginePolicies
{
    public const string User = "user";
    public const string Service = "service";
    public const string Operator = "operator";
}
