using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.Settlement.Http;

internal static class ProblemResults
{
    public static ProblemHttpResult From(Problem p) =>
        TypedResults.Problem(detail: p.Detail, statusCode: p.Status, title: p.Code, type: p.Type, extensions: p.Extensions);

    public static ProblemHttpResult From(Refusal refusal) => From(Problem.For(refusal));

    public static ProblemHttpResult Invalid(FieldErrors errors) => From(Problem.Invalid(errors));
}
