using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Data.Common;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using PromotionEngine.Contracts.Http;
using PromotionEngine.Contracts.Http.Clearing;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Documentation;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.Clearing.Reconciliation;

/// <summary>The operator's three-way reconciliation: upload a day's order file and run, read a run, page and download its discrepancies.</summary>
internal static class ReconciliationEndpoints
{
    public const string OperatorPolicy = "operator";
    private const int MaxPage = 1000;

    public static void MapReconciliationEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/operator/clearing/reconciliations").WithTags("Clearing reconciliation")
            .RequireAuthorization(OperatorPolicy);
        group.MapPost("", RunAsync).WithName("RunReconciliation").Accepts<ReconciliationRequestForm>("multipart/form-data")
            .WithSummary("Reconcile a day: the engine, the clearing facts and the order system's file")
            .WithDescription("Uploads the order system's record of a UTC day (CSV with a header row, or .xlsx; columns order_id, paid_at, "
                + "coupon_ids, discount, status: docs/clearing.md) and compares it, order by order, with the settlement records and "
                + "the engine's consumed coupons of that day and with the clearing facts; optionally for one merchant. Runs to the end "
                + "before answering (a million orders take seconds) and stores the run and every discrepancy; the file is not kept. "
                + "A file that cannot be read, wholly, is refused and nothing is stored.")
            .Answers<ReconciliationResponse>(StatusCodes.Status201Created, "The run, with its counts per kind.")
            .Answers<ReconciliationResponse>(StatusCodes.Status200OK,
                "A repeat under the same Idempotency-Key: the run stored for it; the file is not read again.")
            .WithLocation(201)
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.MalformedRequest, ErrorCodes.UnsupportedMediaType, ErrorCodes.OrderFileInvalid,
                ErrorCodes.OrderFileTooLarge, ErrorCodes.OrderFileLimitExceeded)
            .Example(ReconciliationExamples.Created);
        group.MapGet(RouteIds.Id, GetAsync).WithName("GetReconciliation")
            .WithSummary("Get a reconciliation")
            .WithDescription("The run: its day and merchant, what each source gave, and its discrepancies counted per kind.")
            .Answers<ReconciliationResponse>(StatusCodes.Status200OK, "The run.")
            .Refuses(ErrorCodes.ReconciliationNotFound)
            .Example(ReconciliationExamples.Found);
        group.MapGet(RouteIds.Id + "/discrepancies", DiscrepanciesAsync).WithName("ReconciliationDiscrepancies")
            .WithSummary("The discrepancies of a reconciliation")
            .WithDescription("In the order found (by order id), optionally of one kind. JSON in pages of limit (1 to 1000) continued "
                + "with nextCursor; CSV or .xlsx (format, or the Accept header) hold them all.")
            .Answers<Page<DiscrepancyResponse>>(StatusCodes.Status200OK, "A JSON page, or every discrepancy as CSV or .xlsx.")
            .WithMetadata(new AlsoAnswersAs(StatusCodes.Status200OK, ["text/csv", DiscrepancyExport.XlsxMediaType]))
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.ReconciliationNotFound)
            .Example(ReconciliationExamples.Discrepancies);
    }

    private static async Task<IResult> RunAsync(HttpContext http, [FromHeader(Name = IdempotencyKeyHeader.Name)] string? idempotencyKey,
        ReconciliationFormReader reader, RunReconciliation command, IReconciliations runs, IOptions<ReconciliationOptions> options,
        TimeProvider clock, CancellationToken ct)
    {
        if (!IdempotencyKeyHeader.TryReadOptional(idempotencyKey, out var parsed, out var invalidKey)) return invalidKey;
        var key = parsed?.Value;
        if (key is not null && await runs.FindByKeyAsync(key, ct) is { } repeated) return TypedResults.Ok(repeated.ToResponse());
        using var form = await reader.ReadAsync(http, ct); // disposed on every path: the upload goes with it
        if (form.Refusal is { } refusal) return refusal;

        var errors = new FieldErrors();
        DateOnly day = default;
        if (!form.Fields.TryGetValue("day", out var dayText)) errors.Add("day", "Required: the UTC day to reconcile, yyyy-MM-dd.");
        else if (!DateOnly.TryParseExact(dayText.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
            errors.Add("day", "A day as yyyy-MM-dd.");
        else if (day > DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)) errors.Add("day", "A day that has begun (UTC).");
        long? merchant = null;
        if (form.Fields.TryGetValue("merchantId", out var merchantText))
        {
            if (long.TryParse(merchantText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m > 0) merchant = m;
            else errors.Add("merchantId", "A merchant id: a positive whole number.");
        }
        if (form.Path is null || form.Bytes == 0) errors.Add("file", "Required: the order file (CSV or .xlsx), not empty.");
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);

        var layout = OrderFile.Inspect(form.Path!, options.Value.Limits, out var problem);
        if (layout is null) return FileRefused(problem!);
        try
        {
            var fileName = TabularFile.Truncate(string.IsNullOrWhiteSpace(form.FileName) ? "orders" : form.FileName, 200);
            var run = await command.HandleAsync(
                new ReconciliationScope(day, merchant), new OrderFileUpload(fileName, form.Path!, layout), key, ct);
            return TypedResults.Created($"/api/v1/operator/clearing/reconciliations/{run.Id}", run.ToResponse());
        }
        catch (DbException) when (key is not null)
        {
            // The same key's run was stored by a concurrent request meanwhile (the unique key refused this one): answer it.
            if (await runs.FindByKeyAsync(key, CancellationToken.None) is { } raced) return TypedResults.Ok(raced.ToResponse());
            throw;
        }
        catch (UnreadableFileException e)
        {
            return FileRefused(e is WorkbookLimitException limit ? new FileProblem(limit.Message, limit.Limit) : new FileProblem(e.Message));
        }
    }

    private static ProblemHttpResult FileRefused(FileProblem problem) => problem.Limit is { } limit
        ? ProblemResults.Status(ErrorCodes.OrderFileLimitExceeded, "The order file is over a limit of what the server reads; nothing was stored.",
            new Dictionary<string, object?>
            {
                ["limit"] = limit,
                ["errors"] = new Dictionary<string, string[]> { ["file"] = [problem.Message] },
            })
        : ProblemResults.From(Problem.Invalid(new FieldErrors().Add("file", problem.Message), ErrorCodes.OrderFileInvalid,
            "The order file cannot be used; nothing was stored."));

    private static async Task<IResult> GetAsync(long id, IReconciliations runs, CancellationToken ct) =>
        await runs.FindAsync(id, ct) is { } run ? TypedResults.Ok(run.ToResponse()) : NotFound(id);

    private static async Task<IResult> DiscrepanciesAsync(
        long id,
        HttpContext http,
        IReconciliations runs,
        DiscrepancyExport export,
        [AllowedValues("MISSING_IN_ENGINE", "MISSING_IN_CLEARING", "MISSING_IN_ORDERS", "AMOUNT_MISMATCH", "STATUS_MISMATCH",
            "DUPLICATED_ORDER_LINE", "COUPON_USED_TWICE"), Description("Only discrepancies of this kind.")]
        string? kind,
        [AllowedValues("json", "csv", "xlsx"), Description("json (pages), csv or xlsx (all); absent: the Accept header decides, else json.")]
        string? format,
        [Description("json: " + Paging.CursorRule)] string? cursor,
        [Range(1, MaxPage), Description("json: discrepancies per page, 1 to 1000; default 20.")] int? limit,
        CancellationToken ct)
    {
        var wanted = Negotiate(format, http.Request.Headers.Accept.ToString());
        var errors = new FieldErrors().When(wanted is null, "format", "One of json, csv, xlsx.")
            .When(kind is not null && !DiscrepancyKinds.All.Contains(kind), "kind", "One of " + string.Join(", ", DiscrepancyKinds.All) + ".")
            .WhenBadPage(limit, cursor, out var after, MaxPage);
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);
        if (await runs.FindAsync(id, ct) is not { } run) return NotFound(id);

        var name = $"reconciliation-{run.Id}-{run.Day:yyyy-MM-dd}" + (kind is null ? "" : "-" + kind.ToLowerInvariant());
        switch (wanted)
        {
            case "csv":
                return Results.Stream(
                    output => export.WriteCsvAsync(run.Id, kind, output, http.RequestAborted), "text/csv; charset=utf-8", name + ".csv");
            case "xlsx":
                var path = Path.Combine(Path.GetTempPath(), $"promotion-reconciliation-{Guid.NewGuid():N}.xlsx");
                await export.WriteXlsxAsync(run.Id, kind, path, ct);
                // DeleteOnClose: the workbook goes when the response has been sent.
                var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024,
                    FileOptions.DeleteOnClose | FileOptions.Asynchronous);
                return Results.File(stream, DiscrepancyExport.XlsxMediaType, name + ".xlsx");
        }
        var size = limit ?? Paging.DefaultSize;
        return TypedResults.Ok(Paging.PageOf(await runs.PageAsync(run.Id, kind, after ?? 0, size + 1, ct), size, d => d.Seq, d => d.ToResponse()));
    }

    private static string? Negotiate(string? format, string accept) => (format?.ToLowerInvariant(), accept) switch
    {
        ("csv" or "xlsx" or "json", _) => format!.ToLowerInvariant(),
        (null, var a) when a.Contains("text/csv", StringComparison.OrdinalIgnoreCase) => "csv",
        (null, var a) when a.Contains(DiscrepancyExport.XlsxMediaType, StringComparison.OrdinalIgnoreCase) => "xlsx",
        (null, _) => "json",
        _ => null,
    };

    private static ProblemHttpResult NotFound(long id) =>
        ProblemResults.From(new Refusal(ErrorCodes.ReconciliationNotFound, $"No reconciliation {id}."));

    public static ReconciliationResponse ToResponse(this ReconciliationRun run) => new(
        run.Id.ToString(CultureInfo.InvariantCulture), run.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        run.MerchantId?.ToString(CultureInfo.InvariantCulture), run.FileName, run.FileFormat, run.EngineOrders, run.EngineCoupons,
        run.ClearedCoupons, run.OrderLines, run.OrderLinesOtherDay, run.Discrepancies,
        DiscrepancyKinds.All.ToDictionary(k => k, k => run.Counts.GetValueOrDefault(k)), run.StartedAt, run.FinishedAt);

    public static DiscrepancyResponse ToResponse(this StoredDiscrepancy stored) => new(
        stored.Seq, stored.Discrepancy.Kind, stored.Discrepancy.OrderId, stored.Discrepancy.CouponId?.ToString(CultureInfo.InvariantCulture),
        stored.Discrepancy.Sources, stored.Discrepancy.Values);
}
