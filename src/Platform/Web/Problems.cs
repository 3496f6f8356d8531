using Microsoft.AspNetCore.Http.HttpResults;
using PromotionEngine.Kernel;

namespace PromotionEngine.Platform.Web;

/// <summary>The platform's own refusals, shaped like the modules' (RFC 9457 with a stable code).</summary>
internal static class Problems
{
    public static ProblemHttpResult From(Problem p) =>
        TypedResults.Problem(detail: p.Detail, statusCode: p.Status, title: p.Code, type: p.Type, extensions: p.Extensions);
}
