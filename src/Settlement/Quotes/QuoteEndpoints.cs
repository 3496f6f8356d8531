using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PromotionEngine.Contracts.Http.Settlement;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Requests;
using PromotionEngine.Settlement.Http;

namespace PromotionEngine.Settlement.Quotes;

/// <summary>
/// Order systems (service role) ask what a cart costs with the user's coupons. Idempotent by nature: the same input
/// returns the same quote.
/// </summary>
internal static class QuoteEndpoints
{
    public const string ServicePolicy = "service";

    public static void MapQuoteEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/settlement/quotes", QuoteAsync).WithTags("Settlement").WithName("QuoteCart").RequireAuthorization(ServicePolicy)
            .WithMetadata(AcceptsIdempotencyKey.Instance)
            .WithSummary("Quote a cart")
            .WithDescription("What a cart costs with the user's coupons: every wallet coupon, usable (with its discount alone) or not "
                + "(with the reason), the exact best combination (or the caller's pick, couponIds), the discount per line, and a quote id "
                + "to lock with until expiresAt (docs/settlement.md). The same input within a quote's lifetime answers the same quote.")
            .Answers<QuoteResponse>(StatusCodes.Status200OK, "The quote.")
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.QuotePickInvalid)
            .Example(SettlementExamples.Quoted);
    }

    private static async Task<IResult> QuoteAsync(QuoteRequest request, HttpContext http, PriceCart command, CancellationToken ct) =>
        await command.HandleAsync(request, PolicyCallers.ServiceOf(http), ct) switch
        {
            QuoteOutcome.Quoted q => TypedResults.Ok(q.Response),
            QuoteOutcome.Invalid i => ProblemResults.Invalid(i.Errors),
            QuoteOutcome.PickRefused p => SettlementProblems.QuotePickInvalid(p.Problems),
            _ => throw new System.Diagnostics.UnreachableException(),
        };

    // The service policy guarantees a service caller; its token subject is who quotes, orders and records belong to.
}
