using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PromotionEngine.Contracts.Http.Settlement;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.Settlement.Http;
using PromotionEngine.Kernel.Requests;

namespace PromotionEngine.Settlement.Quotes;

/// <summary>Order systems (service role) ask what a cart costs with the user's coupons. Idempotent by nature: the same input returns the same quote.</summary>
internal static class QuoteEndpoints
{
    public const string ServicePolicy = "service";

    public static void MapQuoteEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/settlement/quotes", QuoteAsync).WithTags("Settlement").WithName("QuoteCart").RequireAuthorization(ServicePolicy)
            .WithMetadata(AcceptsIdempotencyKey.Instance);
    }

    private static async Task<IResult> QuoteAsync(QuoteRequest request, HttpContext http, PriceCart command, CancellationToken ct) =>
        await command.HandleAsync(request, ServiceOf(http), ct) switch
        {
            QuoteOutcome.Quoted q => TypedResults.Ok(q.Response),
            QuoteOutcome.Invalid i => ProblemResults.Invalid(i.Errors),
            QuoteOutcome.PickRefused p => ProblemResults.From(new Refusal(RefusalKind.Invalid, "QUOTE_PICK_INVALID",
                $"{p.Problems.Count} of the picked coupons cannot be used as picked; nothing was quoted.", "couponIds",
                new Dictionary<string, object?> { ["coupons"] = p.Problems })),
            _ => throw new System.Diagnostics.UnreachableException(),
        };

    // The service policy guarantees a service caller; its token subject is who quotes, orders and records belong to.
    public static string ServiceOf(HttpContext http) =>
        Caller.From(http.User)?.Subject ?? throw new InvalidOperationException("The service policy let through a caller without identity.");
}
