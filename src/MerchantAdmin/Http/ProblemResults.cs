using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.MerchantAdmin.Http;

internal static class ProblemResults
{
    public static ProblemHttpResult From(Problem p) =>
        TypedResults.Problem(detail: p.Detail, statusCode: p.Status, title: p.Code, type: p.Type, extensions: p.Extensions);

    public static ProblemHttpResult From(Refusal refusal) => From(Problem.For(refusal));

    public static ProblemHttpResult Invalid(FieldErrors errors) => From(Problem.Invalid(errors));

    public static ProblemHttpResult TemplateNotFound(long id) =>
        From(new Refusal(RefusalKind.NotFound, "TEMPLATE_NOT_FOUND", $"No template {id} belongs to this merchant."));
}
