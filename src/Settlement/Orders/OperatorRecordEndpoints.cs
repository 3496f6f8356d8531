using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PromotionEngine.Contracts.Http.Settlement;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Kernel.Validation;
using PromotionEngine.Settlement.Http;

namespace PromotionEngine.Settlement.Orders;

/// <summary>
/// Operators read any order's settlement record (user support, the saga's refusals): the same record the owning service reads, under
/// the settlement prefix so a split deployment's gateway sends it to the settlement role with the rest.
/// </summary>
internal static class OperatorRecordEndpoints
{
    public const string OperatorPolicy = "operator";

    public static void MapOperatorRecordEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/settlement/records/{orderId}", GetAsync).WithTags("Settlement").WithName("OperatorSettlementRecord")
            .RequireAuthorization(OperatorPolicy)
            .WithSummary("Get any order's settlement record (operators)")
            .WithDescription("The settlement record of GET /api/v1/settlement/orders/{orderId}, of any service's order: for operators "
                + "answering a user or reading why the saga refused a step.")
            .Answers<SettlementRecordResponse>(StatusCodes.Status200OK, "The settlement record.")
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.SettlementNotFound)
            .Example(SettlementExamples.Settled);
    }

    private static async Task<IResult> GetAsync(string orderId, IOrderRecords records, TimeProvider clock, CancellationToken ct)
    {
        if (!OrderId.IsValid(orderId))
            return ProblemResults.Invalid(new FieldErrors().Add("orderId", "1 to 64 characters of letters, digits, _ - . :"));
        return await records.ReadAsync(orderId, ct) is { } found
            ? TypedResults.Ok(RecordView.Of(found.Record, found.History, UtcMillis.Now(clock)))
            : ProblemResults.From(new Refusal(ErrorCodes.SettlementNotFound,
                $"No settlement record for order {orderId}: no order event or order verb has named it."));
    }
}
