using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PromotionEngine.Contracts.Engine;
using PromotionEngine.Contracts.Http.Engine;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Requests;
using PromotionEngine.Kernel.Validation;
using PromotionEngine.Settlement.Quotes;

namespace PromotionEngine.Settlement.Checkout;

/// <summary>
/// Order systems (service role) hold, spend, give back and restore an order's coupons; each call is idempotent per (order,
/// operation). The settlement serves these verbs: it keeps the order's settlement record, and the engine moves the coupons
/// through its checkout port in the settlement's transaction.
/// </summary>
internal static class CheckoutEndpoints
{
    public static readonly string OrderIdRule = $"1 to {OrderId.MaxLength} characters of letters, digits, _ - . :";

    public static void MapCheckoutEndpoints(this IEndpointRouteBuilder app)
    {
        // Idempotent per (order, operation) by themselves; an Idempotency-Key is taken too, with the rules of every other write.
        var group = app.MapGroup("/api/v1/orders/{orderId}/coupons").WithTags("Checkout").RequireAuthorization(QuoteEndpoints.ServicePolicy)
            .WithMetadata(AcceptsIdempotencyKey.Instance);
        group.MapPost("lock", LockAsync).WithName("LockCoupons");
        group.MapPost("consume", (string orderId, HttpContext http, CheckoutOrder c, CancellationToken ct) =>
            RunAsync(orderId, o => c.ConsumeAsync(PolicyCallers.ServiceOf(http), o, ct))).WithName("ConsumeCoupons");
        group.MapPost("release", (string orderId, HttpContext http, CheckoutOrder c, CancellationToken ct) =>
            RunAsync(orderId, o => c.ReleaseAsync(PolicyCallers.ServiceOf(http), o, ct))).WithName("ReleaseCoupons");
        group.MapPost("refund", (string orderId, HttpContext http, CheckoutOrder c, CancellationToken ct) =>
            RunAsync(orderId, o => c.RefundAsync(PolicyCallers.ServiceOf(http), o, ct))).WithName("RefundCoupons");
    }

    private static async Task<IResult> LockAsync(
        string orderId, LockCouponsRequest request, HttpContext http,
        CheckoutOrder checkout, QuotePins quotes, TimeProvider clock, CancellationToken ct)
    {
        var caller = PolicyCallers.ServiceOf(http);
        if (request.QuoteId is not null) return await QuoteLock.LockAsync(caller, orderId, request, checkout, quotes, clock, ct);
        var max = checkout.Limits;
        var ids = request.CouponIds ?? [];
        var errors = new FieldErrors()
            .When(!OrderId.IsValid(orderId), "orderId", OrderIdRule)
            .When(request.UserId is null or < 1, "userId", "Required: the id of the user whose coupons these are.")
            .When(ids.Count == 0, "couponIds", "Required: at least one coupon id.")
            .When(ids.Count > max.MaxCouponsPerOrder, "couponIds", $"At most {max.MaxCouponsPerOrder} coupons per order.")
            .When(ids.Any(id => id < 1), "couponIds", "Ids are positive.")
            .When(ids.Distinct().Count() != ids.Count, "couponIds", "Each coupon is listed once.")
            .When(
                request.TtlSeconds is null or < 1 || request.TtlSeconds > max.MaxLockTtlSeconds,
                "ttlSeconds", $"Required: 1 to {max.MaxLockTtlSeconds} seconds.");
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);

        return Respond(await checkout.LockAsync(
            caller, new OrderId(orderId), new UserId(request.UserId!.Value),
            ids.Select(id => new UserCouponId(id)).ToList(), TimeSpan.FromSeconds(request.TtlSeconds!.Value), null, ct));
    }

    private static async Task<IResult> RunAsync(string orderId, Func<OrderId, Task<CheckoutResult>> verb)
    {
        if (!OrderId.IsValid(orderId)) return ProblemResults.Invalid(new FieldErrors().Add("orderId", OrderIdRule));
        return Respond(await verb(new OrderId(orderId)));
    }

    /// <summary>200 with the order's coupons (a repeat: the first answer), or the engine's refusal as problem+json.</summary>
    internal static IResult Respond(CheckoutResult result) =>
        result.Refusal is { } refusal ? ProblemResults.From(refusal) : TypedResults.Ok(result.Response);
}
