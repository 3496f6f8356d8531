using Microsoft.AspNetCore.Http.HttpResults;
using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Http;

/// <summary>The problems only the engine answers (the shared ones are <see cref="ProblemResults"/>).</summary>
internal static class EngineProblems
{
    /// <summary>503 CLAIMS_UNAVAILABLE: the claim store is down; the request changed nothing and may be retried.</summary>
    public static ProblemHttpResult ClaimsUnavailable(string detail) =>
        ProblemResults.Status(ErrorCodes.ClaimsUnavailable, detail, new Dictionary<string, object?> { ["retryAfterSeconds"] = 1 });
}
