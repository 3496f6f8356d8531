using Microsoft.AspNetCore.Http.HttpResults;

namespace PromotionEngine.Engine.Http;

/// <summary>The problems only the engine answers (the shared ones are <see cref="ProblemResults"/>).</summary>
internal static class EngineProblems
{
    /// <summary>503 CLAIMS_UNAVAILABLE: the claim store is down; the request changed nothing and may be retried.</summary>
    public static ProblemHttpResult ClaimsUnavailable(string detail) =>
        ProblemResults.Status(503, "CLAIMS_UNAVAILABLE", detail, new Dictionary<string, object?> { ["retryAfterSeconds"] = 1 });
}
