using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.Distribution.Http;

internal static class ProblemResults
{
    public static ProblemHttpResult From(Problem p) =>
        TypedResults.Problem(detail: p.Detail, statusCode: p.Status, title: p.Code, type: p.Type, extensions: p.Extensions);

    public static ProblemHttpResult From(Refusal refusal) => From(Problem.For(refusal));

    public static ProblemHttpResult Invalid(FieldErrors errors, string code = "VALIDATION_FAILED") =>
        From(code == "VALIDATION_FAILED" ? Problem.Invalid(errors) : Problem.Invalid(errors, code, "The recipients file cannot be used; nothing was stored."));

    public static ProblemHttpResult TaskNotFound(long id) =>
        From(new Refusal(RefusalKind.NotFound, "DISTRIBUTION_TASK_NOT_FOUND", $"No distribution task {id} belongs to this merchant."));

    /// <summary>413: the file passed a reading budget; <c>limit</c> names which, <c>errors.file</c> says it in words.</summary>
    public static ProblemHttpResult FileOverLimit(string limit, string message) =>
        From(new Problem(413, FileLimitExceeded, "The recipients file is over a limit of what the server reads; nothing was stored.",
            new Dictionary<string, object?>
            {
                ["code"] = FileLimitExceeded,
                ["limit"] = limit,
                ["errors"] = new Dictionary<string, string[]> { ["file"] = [message] },
            }));

    public const string FileLimitExceeded = "RECIPIENTS_FILE_LIMIT_EXCEEDED";

    public static ProblemHttpResult Status(int status, string code, string detail) =>
        From(new Problem(status, code, detail, new Dictionary<string, object?> { ["code"] = code }));
}
