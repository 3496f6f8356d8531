using System.Globalization;
using Microsoft.AspNetCore.Http;
using PromotionEngine.Contracts.Http.Distribution;
using PromotionEngine.Distribution.Http;

namespace PromotionEngine.Distribution.Tasks;

/// <summary>A task command's outcome as the HTTP answer, and the task as its response body.</summary>
internal static class TaskResponses
{
    public static async Task<IResult> RespondAsync(TaskOutcome outcome, IDistributionTasks tasks, TimeProvider clock, long id, CancellationToken ct)
    {
        switch (outcome)
        {
            case TaskOutcome.Created created:
                return TypedResults.Accepted($"/api/v1/merchant/distribution-tasks/{created.Task.Id}",
                    created.Task.ToResponse(TaskProgress.None, clock.GetUtcNow()));
            case TaskOutcome.Done done:
                var progress = await tasks.ProgressAsync([done.Task], ct);
                return TypedResults.Ok(done.Task.ToResponse(progress[done.Task.Id], clock.GetUtcNow()));
            case TaskOutcome.Invalid invalid:
                return DistributionProblems.Invalid(invalid.Errors, invalid.Code);
            case TaskOutcome.Refused refused:
                return ProblemResults.From(refused.Refusal);
            case TaskOutcome.FileOverLimit over:
                return DistributionProblems.FileOverLimit(over.Limit, over.Message);
            case TaskOutcome.NotFound:
                return DistributionProblems.TaskNotFound(id);
            default:
                throw new System.Diagnostics.UnreachableException();
        }
    }

    public static DistributionTaskResponse ToResponse(this DistributionTask t, TaskProgress p, DateTimeOffset now) => new(
        t.Id.ToString(CultureInfo.InvariantCulture), t.Merchant.ToString(), t.Template.ToString(), t.Name, DistributionNames.Of(t.Status),
        t.Notify.Select(DistributionNames.Of).ToList(), t.StartAt, t.FileName, DistributionNames.Of(t.Format), t.FileBytes, t.TotalRows,
        p.Processed, p.Issued, p.Failed, t.CreatedAt, t.StartedAt, t.FinishedAt, p.RowsPerSecond(t, now), p.Eta(t, now), t.FailureCode,
        t.FailureDetail);
}
