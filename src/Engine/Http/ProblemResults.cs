using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.Engine.Http;

internal static class ProblemResults
{
    public static ProblemHttpResult From(Problem p) =>
        TypedResults.Problem(detail: p.Detail, statusCode: p.Status, title: p.Code, type: p.Type, extensions: p.Extensions);

    public static ProblemHttpResult From(Refusal refusal) => From(Problem.For(refusal));

    public static ProblemHttpResult Invalid(FieldErrors errors) => From(Problem.Invalid(errors));

    /// <summary>503: a dependency is down; the request changed nothing and may be retried.</summary>
    public static ProblemHttpResult Unavailable(string detail) =>
        From(new Problem(503, "CLAIMS_UNAVAILABLE", detail, new Dictionary<string, object?> { ["code"] = "CLAIMS_UNAVAILABLE", ["retryAfterSeconds"] = 1 }));
}
