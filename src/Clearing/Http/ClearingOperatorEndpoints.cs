using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using PromotionEngine.Clearing.Ingestion;
using PromotionEngine.Contracts.Http.Clearing;
using PromotionEngine.Kernel.Requests;

namespace PromotionEngine.Clearing.Http;

/// <summary>The operators' view of the clearing's ingestion, and the rebuild of the analytic store from the journal.</summary>
internal static class ClearingOperatorEndpoints
{
    public const string OperatorPolicy = "operator";

    public static void MapClearingOperatorEndpoints(this IEndpointRouteBuilder app)
    {
        var ops = app.MapGroup("/api/v1/operator/clearing").WithTags("Operations").RequireAuthorization(OperatorPolicy);
        ops.MapGet("", StatusAsync).WithName("ClearingStatus")
            .WithSummary("The clearing's ingestion")
            .WithDescription("How far the analytic store trails the clearing journal: the store, its watermark, the journal's head, the rows "
                + "and seconds behind, the instance ingesting, and whether a rebuild waits to start.")
            .Answers<ClearingStatus>(StatusCodes.Status200OK, "The ingestion's state.")
            .Example(ClearingExamples.Status);
        ops.MapPost("rebuild", RebuildAsync).WithName("RebuildClearingStore").WithMetadata(AcceptsIdempotencyKey.Instance)
            .WithSummary("Rebuild the analytic store from the journal")
            .WithDescription("Asks the ingesting instance to empty the analytic store and store the whole clearing journal again from its "
                + "first row (reports read partial figures meanwhile). Asking again while one is pending asks for one more.")
            .Answers<ClearingStatus>(StatusCodes.Status202Accepted, "Asked for: the ingestion's state.").WithLocation(202)
            .Example(ClearingExamples.Rebuilding);
    }

    private static async Task<Ok<ClearingStatus>> StatusAsync(IngestJournal ingest, CancellationToken ct) =>
        TypedResults.Ok(await ingest.MeasureAsync(ct));

    private static async Task<Accepted<ClearingStatus>> RebuildAsync(IngesterLease lease, IngestJournal ingest, CancellationToken ct)
    {
        await lease.RequestRebuildAsync(ct);
        return TypedResults.Accepted("/api/v1/operator/clearing", await ingest.MeasureAsync(ct));
    }
}
