using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using PromotionEngine.Contracts.Http.Engine;
using PromotionEngine.Contracts.Settlement;
using PromotionEngine.Engine.Http;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Validation;
using PromotionEngine.Kernel.Requests;

namespace PromotionEngine.Engine.Checkout;

/// <summary>Order systems (service role) hold, spend, give back and restore coupons; each call is idempotent per (order, operation).</summary>
internal static class CheckoutEndpoints
{
    public static void MapCheckoutEndpoints(this IEndpointRouteBuilder app)
    {
        // Idempotent per (order, operation) by themselves; an Idempotency-Key is taken too, with the rules of every other write.
        var group = app.MapGroup("/api/v1/orders/{orderId}/coupons").WithTags("Checkout").RequireAuthorization(EnginePolicies.Service)
            .WithMetadata(AcceptsIdempotencyKey.Instance);
        group.MapPost("lock", LockAsync).WithName("LockCoupons");
        group.MapPost("consume", (string orderId, HttpContext http, CheckoutVerbs v, OrderCheckout c, CancellationToken ct) =>
            RunAsync(orderId, o => c.RunAsync(v.Consume(EnginePolicies.ServiceOf(http), o, ct), ct))).WithName("ConsumeCoupons");
        group.MapPost("release", (string orderId, HttpContext http, CheckoutVerbs v, OrderCheckout c, CancellationToken ct) =>
            RunAsync(orderId, o => c.RunAsync(v.Release(EnginePolicies.ServiceOf(http), o, ct), ct))).WithName("ReleaseCoupons");
        group.MapPost("refund", (string orderId, HttpContext http, CheckoutVerbs v, OrderCheckout c, CancellationToken ct) =>
            RunAsync(orderId, o => c.RunAsync(v.Refund(EnginePolicies.ServiceOf(http), o, ct), ct))).WithName("RefundCoupons");
    }

    private static async Task<IResult> LockAsync(string orderId, LockCouponsRequest request, HttpContext http, CheckoutVerbs verbs, OrderCheckout checkout,
        IOptions<EngineOptions> options, IQuotePins quotes, TimeProvider clock, CancellationToken ct)
    {
        var caller = EnginePolicies.ServiceOf(http);
        if (request.QuoteId is not null) return await QuoteLock.LockAsync(caller, orderId, request, verbs, checkout, options.Value, quotes, clock, ct);
        var max = options.Value;
        var ids = request.CouponIds ?? [];
        var errors = new FieldErrors()
            .When(!OrderId.IsValid(orderId), "orderId", $"1 to {OrderId.MaxLength} characters of letters, digits, _ - . :")
            .When(request.UserId is null or < 1, "userId", "Required: the id of the user whose coupons these are.")
            .When(ids.Count == 0, "couponIds", "Required: at least one coupon id.")
            .When(ids.Count > max.MaxCouponsPerOrder, "couponIds", $"At most {max.MaxCouponsPerOrder} coupons per order.")
            .When(ids.Any(id => id < 1), "couponIds", "Ids are positive.")
            .When(ids.Distinct().Count() != ids.Count, "couponIds", "Each coupon is listed once.")
            .When(request.TtlSeconds is null or < 1 || request.TtlSeconds > max.MaxLockTtlSeconds, "ttlSeconds", $"Required: 1 to {max.MaxLockTtlSeconds} seconds.");
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);

        var outcome = await checkout.RunAsync(verbs.Lock(caller, new OrderId(orderId), new UserId(request.UserId!.Value),
            ids.Select(id => new UserCouponId(id)).ToList(), TimeSpan.FromSeconds(request.TtlSeconds!.Value), null), ct);
        return Respond(outcome);
    }

    private static async Task<IResult> RunAsync(string orderId, Func<OrderId, Task<CheckoutOutcome>> verb)
    {
        if (!OrderId.IsValid(orderId))
            return ProblemResults.Invalid(new FieldErrors().Add("orderId", $"1 to {OrderId.MaxLength} characters of letters, digits, _ - . :"));
        return Respond(await verb(new OrderId(orderId)));
    }

    internal static IResult Respond(CheckoutOutcome outcome) => outcome switch
    {
        CheckoutOutcome.Done done => TypedResults.Ok(done.Response),
        CheckoutOutcome.Refused refused => ProblemResults.From(refused.Refusal),
        _ => throw new System.Diagnostics.UnreachableException(),
    };
}
