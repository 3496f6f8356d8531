using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.ModuleHttp;

/// <summary>
/// Kernel's <see cref="Problem"/> as an ASP.NET Core result (problem+json through the Host's IProblemDetailsService), with
/// the status of the code's catalogue entry (<see cref="ErrorCodes"/>). The problems only one module answers
/// (TEMPLATE_NOT_FOUND, CLAIMS_UNAVAILABLE, DISTRIBUTION_TASK_NOT_FOUND, …) stay in that module's Http folder and are built with these.
/// </summary>
internal static class ProblemResults
{
    public static ProblemHttpResult From(Problem p) =>
        TypedResults.Problem(detail: p.Detail, statusCode: p.Status, title: p.Code, type: p.Type, extensions: p.Extensions);

    public static ProblemHttpResult From(Refusal refusal) => From(Problem.For(refusal));

    /// <summary>400 VALIDATION_FAILED with <c>errors</c> naming each field at fault.</summary>
    public static ProblemHttpResult Invalid(FieldErrors errors) => From(Problem.Invalid(errors));

    /// <summary>A problem with no field to name: <paramref name="code"/>'s status, title and <c>code</c>, plus any <paramref name="extensions"/>.</summary>
    public static ProblemHttpResult Status(ErrorCode code, string detail, IReadOnlyDictionary<string, object?>? extensions = null) =>
        From(Problem.Of(code, detail, extensions));
}
