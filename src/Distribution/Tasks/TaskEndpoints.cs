using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using PromotionEngine.Contracts.Http;
using PromotionEngine.Contracts.Http.Distribution;
using PromotionEngine.Distribution.Failures;
using PromotionEngine.Distribution.Http;
using PromotionEngine.Distribution.Recipients;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.Kernel.Validation;
using PromotionEngine.Kernel.Requests;

namespace PromotionEngine.Distribution.Tasks;

internal static class TaskEndpoints
{
    public const string MerchantPolicy = "merchant";
    private const int DefaultPageSize = 20;
    private const int MaxPageSize = 100;
    private const int MaxFailurePage = 1000;
    private const int MaxFieldBytes = 4096;
    public const string XlsxMediaType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static void MapTaskEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/merchant/distribution-tasks").WithTags("Distribution tasks").RequireAuthorization(MerchantPolicy);
        group.MapPost("", CreateAsync).WithName("CreateDistributionTask").Accepts<IFormFile>("multipart/form-data");
        group.MapGet("", ListAsync).WithName("ListDistributionTasks");
        group.MapGet(RouteIds.Id, GetAsync).WithName("GetDistributionTask");
        group.MapPost(RouteIds.Id + "/pause", (long id, HttpContext http, ChangeTaskStatus c, IDistributionTasks t, TimeProvider clock, CancellationToken ct) =>
            ChangeAsync(id, TaskVerb.Pause, http, c, t, clock, ct)).WithName("PauseDistributionTask").WithMetadata(AcceptsIdempotencyKey.Instance);
        group.MapPost(RouteIds.Id + "/resume", (long id, HttpContext http, ChangeTaskStatus c, IDistributionTasks t, TimeProvider clock, CancellationToken ct) =>
            ChangeAsync(id, TaskVerb.Resume, http, c, t, clock, ct)).WithName("ResumeDistributionTask").WithMetadata(AcceptsIdempotencyKey.Instance);
        group.MapPost(RouteIds.Id + "/cancel", (long id, HttpContext http, ChangeTaskStatus c, IDistributionTasks t, TimeProvider clock, CancellationToken ct) =>
            ChangeAsync(id, TaskVerb.Cancel, http, c, t, clock, ct)).WithName("CancelDistributionTask").WithMetadata(AcceptsIdempotencyKey.Instance);
        group.MapGet(RouteIds.Id + "/failures", FailuresAsync).WithName("DistributionTaskFailures");
    }

    private static async Task<IResult> CreateAsync(HttpContext http, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        CreateDistributionTask command, IDistributionTasks tasks, RecipientSpool spool, IOptions<DistributionOptions> options, TimeProvider clock,
        CancellationToken ct)
    {
        var merchant = MerchantOf(http);
        var key = idempotencyKey is not null && IdempotencyKey.IsValid(idempotencyKey) ? new IdempotencyKey(idempotencyKey) : (IdempotencyKey?)null;
        if (idempotencyKey is not null && key is null)
            return ProblemResults.Invalid(new FieldErrors().Add("Idempotency-Key", $"1 to {IdempotencyKey.MaxLength} printable ASCII characters."));
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var media) || !media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(media.Boundary).Value is not { Length: > 0 } boundary)
            return ProblemResults.Status(415, "UNSUPPORTED_MEDIA_TYPE", "Send multipart/form-data with templateId, name, file and optionally startAt and notify.");

        var limit = options.Value.MaxFileBytes;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit + 1024 * 1024;
        // Disposed on every path below (answered, refused, a body cut short, the client gone): the spooled upload goes with it.
        SpooledFile? spooled = null;
        try
        {
            var fields = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            UploadedFile? file = null;
            try
            {
            var reader = new MultipartReader(boundary, http.Request.Body) { BodyLengthLimit = null };
            MultipartSection? section;
            while ((section = await reader.ReadNextSectionAsync(ct)) is not null)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || disposition.Name.Value is not { } name) continue;
                name = HeaderUtilities.RemoveQuotes(name).Value ?? name;
                if (disposition.IsFileDisposition())
                {
                    if (name != "file" || file is not null) continue;
                    var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "";
                        spooled = spool.Create("upload");
                        file = await SpoolAsync(section.Body, spooled, fileName, limit, ct);
                    if (file is null)
                        return ProblemResults.Status(413, "RECIPIENTS_FILE_TOO_LARGE", $"The recipients file is larger than {limit} bytes, the most accepted; nothing was stored.");
                }
                else
                {
                    var value = await ReadFieldAsync(section.Body, ct);
                    if (value is null) return ProblemResults.Invalid(new FieldErrors().Add(name, $"At most {MaxFieldBytes} bytes."));
                    if (!fields.TryGetValue(name, out var list)) fields[name] = list = [];
                    list.Add(value);
                }
            }
            }
            // Failures while the body is read (the spool's own failures are not IOExceptions here: see SpoolAsync).
            catch (Exception e) when (http.RequestAborted.IsCancellationRequested && e is IOException or OperationCanceledException or BadHttpRequestException)
            {
                return Results.StatusCode(StatusCodes.Status499ClientClosedRequest); // the client went away mid-upload: nobody reads this, logs do
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return ProblemResults.Status(413, "RECIPIENTS_FILE_TOO_LARGE", $"The request is larger than the {limit}-byte recipients file allowed; nothing was stored.");
            }
            catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
            {
                // A boundary or section header that does not parse, or a body that ends before its closing boundary.
                return ProblemResults.Status(400, "MALFORMED_REQUEST", e is IOException
                    ? "The multipart body ends before its closing boundary; nothing was stored."
                    : "The multipart body cannot be read: " + e.Message);
            }
            var form = new TaskForm(fields.ToDictionary(f => f.Key, f => (IReadOnlyList<string>)f.Value), file);
            var outcome = await command.HandleAsync(merchant, form, key, ct);
            return await RespondAsync(outcome, tasks, clock, 0, ct);
        }
        finally
        {
            spooled?.Dispose();
        }
    }

    /// <summary>Copies the upload into <paramref name="spooled"/>, hashing it; null when it passes <paramref name="limit"/> (the caller deletes it).</summary>
    private static async Task<UploadedFile?> SpoolAsync(Stream body, SpooledFile spooled, string fileName, long limit, CancellationToken ct)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, ct)) > 0)
            {
                total += read;
            if (total > limit) return null;
                sha.AppendData(buffer, 0, read);
            await spooled.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        await spooled.FlushAsync(ct);
        return new UploadedFile(fileName, spooled.Path, total, Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    private static async Task<string?> ReadFieldAsync(Stream body, CancellationToken ct)
    {
        var buffer = new byte[MaxFieldBytes + 1];
        var read = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
        return read > MaxFieldBytes ? null : System.Text.Encoding.UTF8.GetString(buffer, 0, read);
    }

    private static async Task<IResult> ListAsync(HttpContext http, IDistributionTasks tasks, TimeProvider clock, string? status, string? cursor, int? limit,
        CancellationToken ct)
    {
        var merchant = MerchantOf(http);
        DistributionStatus? filter = null;
        var errors = new FieldErrors();
        if (status is not null)
        {
            if (DistributionNames.TryParse(status, out DistributionStatus s)) filter = s;
            else errors.Add("status", "One of SCHEDULED, RUNNING, PAUSED, SUCCEEDED, FAILED, CANCELLED.");
        }
        errors.When(limit is < 1 or > MaxPageSize, "limit", $"From 1 to {MaxPageSize}.")
              .When(!Cursor.TryDecode(cursor, out var after), "cursor", "Not a cursor this API returned.");
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);
        var size = limit ?? DefaultPageSize;
        var page = await tasks.ListAsync(merchant, filter, after, size + 1, ct);
        var items = page.Take(size).ToList();
        var progress = await tasks.ProgressAsync(items, ct);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(new Page<DistributionTaskResponse>(
            items.Select(t => t.ToResponse(progress[t.Id], now)).ToList(), page.Count > size ? Cursor.Encode(items[^1].Id) : null));
    }

    private static async Task<IResult> GetAsync(long id, HttpContext http, IDistributionTasks tasks, TimeProvider clock, CancellationToken ct) =>
        await RespondAsync(await FindOwnAsync(id, http, tasks, ct) is { } task ? new TaskOutcome.Done(task) : new TaskOutcome.NotFound(), tasks, clock, id, ct);

    private static async Task<IResult> ChangeAsync(long id, TaskVerb verb, HttpContext http, ChangeTaskStatus command, IDistributionTasks tasks,
        TimeProvider clock, CancellationToken ct) =>
        await RespondAsync(await command.HandleAsync(MerchantOf(http), id, verb, ct), tasks, clock, id, ct);

    private static async Task<IResult> FailuresAsync(long id, HttpContext http, IDistributionTasks tasks, IRecipientStore store, FailureExport export, string? format,
        string? cursor, int? limit, CancellationToken ct)
    {
        var wanted = (format?.ToLowerInvariant(), http.Request.Headers.Accept.ToString()) switch
        {
            ("csv", _) => "csv",
            ("xlsx", _) => "xlsx",
            ("json", _) => "json",
            (null, var accept) when accept.Contains("text/csv", StringComparison.OrdinalIgnoreCase) => "csv",
            (null, var accept) when accept.Contains(XlsxMediaType, StringComparison.OrdinalIgnoreCase) => "xlsx",
            (null, _) => "json",
            _ => null,
        };
        var errors = new FieldErrors()
            .When(wanted is null, "format", "One of json, csv, xlsx.")
            .When(limit is < 1 or > MaxFailurePage, "limit", $"From 1 to {MaxFailurePage}.")
            .When(!Cursor.TryDecode(cursor, out var after), "cursor", "Not a cursor this API returned.");
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);
        var task = await FindOwnAsync(id, http, tasks, ct);
        if (task is null) return ProblemResults.TaskNotFound(id);

        var name = $"distribution-task-{task.Id}-failures";
        if (wanted == "csv")
        {
            return Results.Stream(output => export.WriteCsvAsync(task.Id, output, http.RequestAborted), "text/csv; charset=utf-8", name + ".csv");
        }
        if (wanted == "xlsx")
        {
            var path = Path.Combine(Path.GetTempPath(), $"promotion-failures-{Guid.NewGuid():N}.xlsx");
            await export.WriteXlsxAsync(task.Id, path, ct);
            // FileOptions.DeleteOnClose: the temporary workbook goes when the response has been sent.
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            return Results.File(stream, XlsxMediaType, name + ".xlsx");
        }
        var size = limit ?? DefaultPageSize;
        var page = await store.FailuresAsync(task.Id, after ?? 0, size + 1, ct);
        var items = page.Take(size).ToList();
        return TypedResults.Ok(new Page<DistributionFailureResponse>(
            items.Select(f => new DistributionFailureResponse(f.RowNumber, f.RawValue, f.Reason)).ToList(),
            page.Count > size ? Cursor.Encode(items[^1].RowNumber) : null));
    }

    private static async Task<DistributionTask?> FindOwnAsync(long id, HttpContext http, IDistributionTasks tasks, CancellationToken ct)
    {
        var task = await tasks.FindAsync(id, ct);
        return task is not null && task.Merchant == MerchantOf(http) ? task : null;
    }

    private static async Task<IResult> RespondAsync(TaskOutcome outcome, IDistributionTasks tasks, TimeProvider clock, long id, CancellationToken ct)
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
                return ProblemResults.Invalid(invalid.Errors, invalid.Code);
            case TaskOutcome.Refused refused:
                return ProblemResults.From(refused.Refusal);
            case TaskOutcome.FileOverLimit over:
                return ProblemResults.FileOverLimit(over.Limit, over.Message);
            case TaskOutcome.NotFound:
                return ProblemResults.TaskNotFound(id);
            default:
                throw new System.Diagnostics.UnreachableException();
        }
    }

    // The merchant policy guarantees a merchant caller with a merchant id.
    private static MerchantId MerchantOf(HttpContext http) =>
        Caller.From(http.User)?.Merchant ?? throw new InvalidOperationException("The merchant policy let through a caller without a merchant id.");

    public static DistributionTaskResponse ToResponse(this DistributionTask t, TaskProgress p, DateTimeOffset now) => new(
        t.Id.ToString(CultureInfo.InvariantCulture), t.Merchant.ToString(), t.Template.ToString(), t.Name, DistributionNames.Of(t.Status),
        t.Notify.Select(DistributionNames.Of).ToList(), t.StartAt, t.FileName, DistributionNames.Of(t.Format), t.FileBytes, t.TotalRows,
        p.Processed, p.Issued, p.Failed, t.CreatedAt, t.StartedAt, t.FinishedAt, p.RowsPerSecond(t, now), p.Eta(t, now), t.FailureCode, t.FailureDetail);
}
