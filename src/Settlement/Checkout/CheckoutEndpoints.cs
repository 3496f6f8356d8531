using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PromotionEngine.Contracts.Engine;
using PromotionEngine.Contracts.Http.Engine;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Requests;
using PromotionEngine.Kernel.Validation;
using PromotionEngine.Settlement.Http;
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
            .WithMetadata(AcceptsIdempotencyKey.Instance)
            .Refuses(ErrorCodes.ValidationFailed, ErrorCodes.OrderNotFound, ErrorCodes.IllegalTransition);
        group.MapPost("lock", LockAsync).WithName("LockCoupons")
            .WithSummary("Lock an order's coupons")
            .WithDescription("Holds coupons for the order while the user pays, all or none: the listed couponIds of userId, or the "
                + "coupons a quote selected (quoteId; 409 QUOTE_NO_LONGER_HOLDS when the wallet changed since). The order is then this "
                + "service's: the other verbs answer 404 ORDER_NOT_FOUND to any other (outside Engine:TrustedServices). A repeat "
                + "answers the first lock; another lock of the order, 409 IDEMPOTENCY_MISMATCH.")
            .Answers<OrderCouponsResponse>(StatusCodes.Status200OK,
                "Held: the order's coupons, LOCKED until lockedUntil (a repeat: the first answer).")
            .Refuses(ErrorCodes.CouponNotFound, ErrorCodes.IdempotencyMismatch, ErrorCodes.QuoteNotFound, ErrorCodes.QuoteExpired,
                ErrorCodes.QuoteUserMismatch, ErrorCodes.QuoteHasNoCoupons, ErrorCodes.QuoteNoLongerHolds, ErrorCodes.BudgetExhausted)
            .Example(SettlementExamples.LockedByQuote).Example(SettlementExamples.LockedByIds);
        group.MapPost("consume", (string orderId, HttpContext http, CheckoutOrder c, CancellationToken ct) =>
            RunAsync(orderId, o => c.ConsumeAsync(PolicyCallers.ServiceOf(http), o, ct))).WithName("ConsumeCoupons")
            .WithSummary("Consume an order's coupons")
            .WithDescription("The payment succeeded: the order's held coupons are spent. A consume after the hold lapsed is refused "
                + "(ILLEGAL_TRANSITION, reason HOLD_EXPIRED). A repeat answers the first consume.")
            .Answers<OrderCouponsResponse>(StatusCodes.Status200OK, "Spent: the order's coupons, CONSUMED.")
            .Refuses(ErrorCodes.OrderNotLocked)
            .Example(SettlementExamples.Consumed);
        group.MapPost("release", (string orderId, HttpContext http, CheckoutOrder c, CancellationToken ct) =>
            RunAsync(orderId, o => c.ReleaseAsync(PolicyCallers.ServiceOf(http), o, ct))).WithName("ReleaseCoupons")
            .WithSummary("Release an order's coupons")
            .WithDescription("The payment failed or the order was cancelled: the order's held coupons go back to the wallet (or expire "
                + "if their validity has passed). A repeat answers the first release.")
            .Answers<OrderCouponsResponse>(StatusCodes.Status200OK, "Given back: the order's coupons, AVAILABLE (or EXPIRED).")
            .Refuses(ErrorCodes.OrderNotLocked)
            .Example(SettlementExamples.Released);
        group.MapPost("refund", (string orderId, HttpContext http, CheckoutOrder c, CancellationToken ct) =>
            RunAsync(orderId, o => c.RefundAsync(PolicyCallers.ServiceOf(http), o, ct))).WithName("RefundCoupons")
            .WithSummary("Refund an order's coupons")
            .WithDescription("The order was refunded: its spent coupons return to the wallet, or expire if their validity has passed. "
                + "A refund by lines with the pinned allocation is POST /api/v1/settlement/orders/{orderId}/refunds.")
            .Answers<OrderCouponsResponse>(StatusCodes.Status200OK, "Restored: the order's coupons, AVAILABLE (or EXPIRED).")
            .Refuses(ErrorCodes.OrderNotConsumed)
            .Example(SettlementExamples.Refunded);
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
