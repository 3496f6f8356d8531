using Microsoft.AspNetCore.Http.HttpResults;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.Distribution.Http;

/// <summary>The problems only distribution answers (the shared ones are <see cref="ProblemResults"/>).</summary>
internal static class DistributionProblems
{
    /// <summary>400: VALIDATION_FAILED for the form's fields; any other code says the recipients file itself cannot be used.</summary>
    public static ProblemHttpResult Invalid(FieldErrors errors, ErrorCode? code) =>
        code is null ? ProblemResults.Invalid(errors)
        : ProblemResults.From(Problem.Invalid(errors, code, "The recipients file cannot be used; nothing was stored."));

    public static ProblemHttpResult TaskNotFound(long id) =>
        ProblemResults.From(new Refusal(ErrorCodes.DistributionTaskNotFound, $"No distribution task {id} belongs to this merchant."));

    /// <summary>413: the upload is larger than the recipients file may be; <paramref name="detail"/> says which count tripped.</summary>
    public static ProblemHttpResult FileTooLarge(string detail) => ProblemResults.Status(ErrorCodes.RecipientsFileTooLarge, detail);

    /// <summary>413: the file passed a reading budget; <c>limit</c> names which, <c>errors.file</c> says it in words.</summary>
    public static ProblemHttpResult FileOverLimit(string limit, string message) =>
        ProblemResults.Status(
            ErrorCodes.RecipientsFileLimitExceeded,
            "The recipients file is over a limit of what the server reads; nothing was stored.",
            new Dictionary<string, object?>
            {
                ["limit"] = limit,
                ["errors"] = new Dictionary<string, string[]> { ["file"] = [message] },
            });
}
