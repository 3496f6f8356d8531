using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using PromotionEngine.Contracts.Http;
using PromotionEngine.Contracts.Http.Distribution;
using PromotionEngine.Distribution.Failures;
using PromotionEngine.Distribution.Http;
using PromotionEngine.Distribution.Recipients;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Documentation;
using PromotionEngine.Kernel.Logging;
using PromotionEngine.Kernel.Requests;
using PromotionEngine.Kernel.Validation;
using static PromotionEngine.Distribution.Tasks.TaskResponses;

namespace PromotionEngine.Distribution.Tasks;

/// <summary>
/// The merchant's distribution tasks: routes and their checks only. The form is read by <see cref="TaskFormReader"/>,
/// answers are made by <see cref="TaskResponses"/>, the failures report's format is negotiated by <see cref="FailureReportFormats"/>.
/// </summary>
internal static class TaskEndpoints
{
    public const string MerchantPolicy = "merchant";
    private const int MaxFailurePage = 1000;

    public static void MapTaskEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/merchant/distribution-tasks").WithTags("Distribution tasks").RequireAuthorization(MerchantPolicy)
            .WithMetadata(new RouteIdInLogs(LogScope.TaskId));
        group.MapPost("", CreateAsync).WithName("CreateDistributionTask").Accepts<DistributionTaskForm>("multipart/form-data")
            .WithSummary("Push a template's coupons to the users of a file")
            .WithDescription("Uploads a recipients file (CSV with a header row, or .xlsx) with a user id column and makes a task that "
                + "gives each user one coupon of the template, at startAt or now, exactly once per row, whatever crashes meanwhile. "
                + "The form and the file's header are checked now (nothing is stored when refused); rows are counted and checked in the "
                + "background (GET the task). With an Idempotency-Key a repeat answers 200 with the task as it is now.")
            .Answers<DistributionTaskResponse>(StatusCodes.Status202Accepted, "Accepted: the task, SCHEDULED; its file is read next.")
            .WithLocation(202)
            .Answers<DistributionTaskResponse>(StatusCodes.Status200OK, "A repeat under the same Idempotency-Key: the task as it is now.")
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.MalformedRequest, ErrorCodes.RecipientsFileInvalid, ErrorCodes.TemplateNotFound,
                ErrorCodes.TemplateTerminated, ErrorCodes.TemplateEnded, ErrorCodes.RecipientsFileTooLarge, ErrorCodes.RecipientsFileLimitExceeded,
                ErrorCodes.UnsupportedMediaType, ErrorCodes.StartOutsideTemplateWindow, ErrorCodes.StartOutsideCampaignWindow)
            .Example(DistributionExamples.Created202).Example(DistributionExamples.Repeated);
        group.MapGet("", ListAsync).WithName("ListDistributionTasks")
            .WithSummary("List the merchant's distribution tasks")
            .WithDescription("The calling merchant's tasks, newest first, by status; continue with nextCursor.")
            .Answers<Page<DistributionTaskResponse>>(StatusCodes.Status200OK, "A page of tasks; nextCursor is null on the last page.")
            .Refuses(ErrorCodes.ValidationFailed)
            .Example(DistributionExamples.Listed);
        group.MapGet(RouteIds.Id, GetAsync).WithName("GetDistributionTask")
            .WithSummary("Get a distribution task")
            .WithDescription("The task's status, rows, processed, issued and failed counts, times, and while RUNNING its pace and ETA. "
                + "Another merchant's task is not found (never 403).")
            .Answers<DistributionTaskResponse>(StatusCodes.Status200OK, "The task.")
            .Refuses(ErrorCodes.DistributionTaskNotFound)
            .Example(DistributionExamples.Found);
        foreach (var verb in (TaskVerb[])[TaskVerb.Pause, TaskVerb.Resume, TaskVerb.Cancel]) MapStatusVerb(group, verb);
        group.MapGet(RouteIds.Id + "/failures", FailuresAsync).WithName("DistributionTaskFailures")
            .WithSummary("The rows that got no coupon")
            .WithDescription("Every row of the task's file without a coupon: its row number (the header is row 1), the raw user id cell "
                + "and the reason. JSON in pages of limit (1 to 1000) continued with nextCursor; CSV or .xlsx (format, or the Accept "
                + "header) hold every row at once.")
            .Answers<Page<DistributionFailureResponse>>(StatusCodes.Status200OK, "The failures: a JSON page, or the whole report as CSV or .xlsx.")
            .WithMetadata(new AlsoAnswersAs(StatusCodes.Status200OK, ["text/csv", FailureReportFormats.XlsxMediaType]))
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.DistributionTaskNotFound)
            .Example(DistributionExamples.Failures);
    }

    /// <summary>POST {id}/pause, /resume, /cancel (named PauseDistributionTask, …): one handler, the verb bound at mapping.</summary>
    private static void MapStatusVerb(RouteGroupBuilder group, TaskVerb verb) =>
        group.MapPost($"{RouteIds.Id}/{verb.ToString().ToLowerInvariant()}",
                (long id, HttpContext http, ChangeTaskStatus command, IDistributionTasks tasks, TimeProvider clock, CancellationToken ct) =>
                    ChangeAsync(id, verb, http, command, tasks, clock, ct))
            .WithName($"{verb}DistributionTask").WithMetadata(AcceptsIdempotencyKey.Instance)
            .WithSummary(verb switch
            {
                TaskVerb.Pause => "Pause a distribution task",
                TaskVerb.Resume => "Resume a distribution task",
                _ => "Cancel a distribution task",
            })
            .WithDescription(verb switch
            {
                TaskVerb.Pause => "Stops a RUNNING task between two chunks: when the answer comes no chunk can commit any more. Pausing a "
                    + "PAUSED task changes nothing.",
                TaskVerb.Resume => "Runs a PAUSED task again from its checkpoints. Resuming a RUNNING task changes nothing.",
                _ => "Stops a task that has not finished, for good: coupons issued stay issued and the counts in the answer are final. "
                    + "Cancelling a CANCELLED task changes nothing.",
            })
            .Answers<DistributionTaskResponse>(StatusCodes.Status200OK, "The task in its new status (or as it was, for a repeat).")
            .Refuses(ErrorCodes.DistributionTaskNotFound, ErrorCodes.TaskStatusDoesNotAllow)
            .Example(verb switch
            {
                TaskVerb.Pause => DistributionExamples.Paused,
                TaskVerb.Resume => DistributionExamples.Resumed,
                _ => DistributionExamples.Cancelled,
            });

    private static async Task<IResult> CreateAsync(HttpContext http, [FromHeader(Name = IdempotencyKeyHeader.Name)] string? idempotencyKey,
        CreateDistributionTask command, TaskFormReader reader, IDistributionTasks tasks, TimeProvider clock, CancellationToken ct)
    {
        var merchant = PolicyCallers.MerchantOf(http);
        if (!IdempotencyKeyHeader.TryReadOptional(idempotencyKey, out var key, out var invalidKey)) return invalidKey;
        using var read = await reader.ReadAsync(http, ct); // disposed on every path: the spooled upload goes with it
        if (read.Refusal is { } refusal) return refusal;
        return await RespondAsync(await command.HandleAsync(merchant, read.Form, key, ct), tasks, clock, 0, ct);
    }

    private static async Task<IResult> ListAsync(
        HttpContext http,
        IDistributionTasks tasks,
        TimeProvider clock,
        [AllowedValues("SCHEDULED", "RUNNING", "PAUSED", "SUCCEEDED", "FAILED", "CANCELLED"), Description("Only tasks of this status.")]
        string? status,
        [Description(Paging.CursorRule)] string? cursor,
        [Range(1, Paging.MaxSize), Description(Paging.LimitRule)] int? limit,
        CancellationToken ct)
    {
        var merchant = PolicyCallers.MerchantOf(http);
        DistributionStatus? filter = null;
        var errors = new FieldErrors();
        if (status is not null)
        {
            if (DistributionNames.TryParse(status, out DistributionStatus s)) filter = s;
            else errors.Add("status", "One of SCHEDULED, RUNNING, PAUSED, SUCCEEDED, FAILED, CANCELLED.");
        }
        if (!errors.WhenBadPage(limit, cursor, out var after).IsEmpty) return ProblemResults.Invalid(errors);
        var size = limit ?? Paging.DefaultSize;
        var (items, next) = Paging.Take(await tasks.ListAsync(merchant, filter, after, size + 1, ct), size, t => t.Id);
        var progress = await tasks.ProgressAsync(items, ct);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(new Page<DistributionTaskResponse>(items.Select(t => t.ToResponse(progress[t.Id], now)).ToList(), next));
    }

    private static async Task<IResult> GetAsync(long id, HttpContext http, IDistributionTasks tasks, TimeProvider clock, CancellationToken ct) =>
        await RespondAsync(
            await FindOwnAsync(id, http, tasks, ct) is { } task ? new TaskOutcome.Done(task) : new TaskOutcome.NotFound(), tasks, clock, id, ct);

    private static async Task<IResult> ChangeAsync(long id, TaskVerb verb, HttpContext http, ChangeTaskStatus command, IDistributionTasks tasks,
        TimeProvider clock, CancellationToken ct) =>
        await RespondAsync(await command.HandleAsync(PolicyCallers.MerchantOf(http), id, verb, ct), tasks, clock, id, ct);

    private static async Task<IResult> FailuresAsync(
        long id,
        HttpContext http,
        IDistributionTasks tasks,
        IRecipientStore store,
        FailureExport export,
        [AllowedValues("json", "csv", "xlsx"), Description("json (pages), csv or xlsx (every row); absent: the Accept header decides, else json.")]
        string? format,
        [Description("json: " + Paging.CursorRule)] string? cursor,
        [Range(1, MaxFailurePage), Description("json: rows per page, 1 to 1000; default 20.")] int? limit,
        CancellationToken ct)
    {
        var wanted = FailureReportFormats.Negotiate(format, http.Request.Headers.Accept.ToString());
        var errors = new FieldErrors().When(wanted is null, "format", "One of json, csv, xlsx.")
            .WhenBadPage(limit, cursor, out var after, MaxFailurePage);
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);
        if (await FindOwnAsync(id, http, tasks, ct) is not { } task) return DistributionProblems.TaskNotFound(id);
        if (wanted is not FailureReportFormat.Json)
            return await FailureDownloads.DownloadAsync(export, task.Id, wanted!.Value, http.RequestAborted, ct);

        var size = limit ?? Paging.DefaultSize;
        return TypedResults.Ok(Paging.PageOf(await store.FailuresAsync(task.Id, after ?? 0, size + 1, ct), size, f => f.RowNumber,
            f => new DistributionFailureResponse(f.RowNumber, f.RawValue, f.Reason)));
    }

    private static async Task<DistributionTask?> FindOwnAsync(long id, HttpContext http, IDistributionTasks tasks, CancellationToken ct)
    {
        var task = await tasks.FindAsync(id, ct);
        return task is not null && task.Merchant == PolicyCallers.MerchantOf(http) ? task : null;
    }
}
