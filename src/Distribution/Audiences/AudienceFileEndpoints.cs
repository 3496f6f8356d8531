using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PromotionEngine.Contracts.Http;
using PromotionEngine.Contracts.Http.Distribution;
using PromotionEngine.Distribution.Http;
using PromotionEngine.Distribution.Tasks;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Documentation;
using PromotionEngine.Kernel.Requests;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.Distribution.Audiences;

/// <summary>A merchant uploads a file of users into one of its audiences (the engine's; docs/audiences.md).</summary>
internal static class AudienceFileEndpoints
{
    public static void MapAudienceFileEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost($"/api/v1/merchant/audience-files/{RouteIds.Id}", UploadAsync).WithTags("Audiences").WithName("UploadAudienceFile")
            .RequireAuthorization(TaskEndpoints.MerchantPolicy).WithMetadata(AcceptsIdempotencyKey.Instance)
            .Accepts<AudienceFileForm>("multipart/form-data")
            .WithSummary("Add the users of a file to an audience")
            .WithDescription("Uploads a CSV (with a header row) or .xlsx file with a user id column (userId, user_id or uid), read as a "
                + "distribution task's recipients file is, within the same limits, and adds its users to the audience. The file is read "
                + "whole first: one that cannot be read changes nothing. Rows without a valid user id are counted and listed (the first "
                + "100), not added; users already in are not counted again, so uploading a file again adds only whom it missed. An "
                + "audience whose members a rule picks takes no file (409 AUDIENCE_HAS_RULE, nothing read into it).")
            .Answers<AudienceFileResponse>(StatusCodes.Status200OK, "Added: the counts, the audience's size and the first failed rows.")
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.MalformedRequest, ErrorCodes.UnsupportedMediaType, ErrorCodes.RecipientsFileInvalid,
                ErrorCodes.RecipientsFileTooLarge, ErrorCodes.RecipientsFileLimitExceeded, ErrorCodes.AudienceNotFound,
                ErrorCodes.AudienceHasRule)
            .Example(new ApiExample("imported", "A CRM export of 12 480 rows, two without a user id", 200,
                new AudienceFileResponse("384536415389613001", 12_480, 12_478, 2, 12_478,
                    [new AudienceFileFailureResponse(18, "n/a", "INVALID_USER_ID"),
                        new AudienceFileFailureResponse(977, "10O1", "INVALID_USER_ID")]),
                Parameters: new Dictionary<string, string> { ["id"] = "384536415389613001" }));

    private static async Task<IResult> UploadAsync(long id, HttpContext http, TaskFormReader reader, ImportAudienceFile command, CancellationToken ct)
    {
        var merchant = PolicyCallers.MerchantOf(http);
        using var read = await reader.ReadAsync(http, ct); // disposed on every path: the spooled upload goes with it
        if (read.Refusal is { } refusal) return refusal;
        if (read.File is not { } file) return ProblemResults.Invalid(new FieldErrors().Add("file", "Required: a CSV or .xlsx file of user ids."));
        return await command.HandleAsync(merchant, new AudienceId(id), file.Path, ct) switch
        {
            AudienceFileOutcome.Imported i => TypedResults.Ok(new AudienceFileResponse(
                id.ToString(System.Globalization.CultureInfo.InvariantCulture), i.Rows, i.Added, i.Failed, i.Members,
                i.Failures.Select(f => new AudienceFileFailureResponse(f.RowNumber, f.Value, f.Reason)).ToList())),
            AudienceFileOutcome.Unreadable { Problem.Limit: { } limit } u => DistributionProblems.FileOverLimit(limit, u.Problem.Message),
            AudienceFileOutcome.Unreadable u =>
                DistributionProblems.Invalid(new FieldErrors().Add("file", u.Problem.Message), ErrorCodes.RecipientsFileInvalid),
            AudienceFileOutcome.NotFound => ProblemResults.From(new Refusal(ErrorCodes.AudienceNotFound, $"No audience {id} of this merchant.")),
            AudienceFileOutcome.RuleDecides => ProblemResults.From(new Refusal(ErrorCodes.AudienceHasRule,
                $"A rule picks the members of audience {id}: a file cannot add users to it.")),
            _ => throw new System.Diagnostics.UnreachableException(),
        };
    }
}
