using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using PromotionEngine.Contracts.Http;
using PromotionEngine.Contracts.Http.Distribution;
using PromotionEngine.Distribution.Failures;
using PromotionEngine.Distribution.Http;
using PromotionEngine.Distribution.Recipients;
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
        var group = app.MapGroup("/api/v1/merchant/distribution-tasks").WithTags("Distribution tasks").RequireAuthorization(MerchantPolicy);
        group.MapPost("", CreateAsync).WithName("CreateDistributionTask").Accepts<IFormFile>("multipart/form-data");
        group.MapGet("", ListAsync).WithName("ListDistributionTasks");
        group.MapGet(RouteIds.Id, GetAsync).WithName("GetDistributionTask");
        foreach (var verb in (TaskVerb[])[TaskVerb.Pause, TaskVerb.Resume, TaskVerb.Cancel]) MapStatusVerb(group, verb);
        group.MapGet(RouteIds.Id + "/failures", FailuresAsync).WithName("DistributionTaskFailures");
    }

    /// <summary>POST {id}/pause, /resume, /cancel (named PauseDistributionTask, …): one handler, the verb bound at mapping.</summary>
    private static void MapStatusVerb(RouteGroupBuilder group, TaskVerb verb) =>
        group.MapPost($"{RouteIds.Id}/{verb.ToString().ToLowerInvariant()}",
                (long id, HttpContext http, ChangeTaskStatus command, IDistributionTasks tasks, TimeProvider clock, CancellationToken ct) =>
                    ChangeAsync(id, verb, http, command, tasks, clock, ct))
            .WithName($"{verb}DistributionTask").WithMetadata(AcceptsIdempotencyKey.Instance);

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
        HttpContext http, IDistributionTasks tasks, TimeProvider clock, string? status, string? cursor, int? limit, CancellationToken ct)
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
        long id, HttpContext http, IDistributionTasks tasks, IRecipientStore store,
        FailureExport export, string? format, string? cursor, int? limit, CancellationToken ct)
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
