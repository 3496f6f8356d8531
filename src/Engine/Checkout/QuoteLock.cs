using Microsoft.AspNetCore.Http;
using PromotionEngine.Contracts.Http.Engine;
using PromotionEngine.Contracts.Settlement;
using PromotionEngine.Engine.Http;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.Engine.Checkout;

/// <summary>
/// Lock with a quote id: the settlement says which coupons of which user the quote selected (or why it cannot be
/// locked: unknown, expired, another user's, no coupons), and the engine locks exactly those, all or none. When the
/// wallet changed so that a pinned coupon can no longer be locked, the quote no longer holds: 409
/// QUOTE_NO_LONGER_HOLDS with each coupon's state and reason.
/// </summary>
internal static class QuoteLock
{
    public static async Task<IResult> LockAsync(OrderCaller caller, string orderId, LockCouponsRequest request, CheckoutVerbs verbs, OrderCheckout checkout, EngineOptions max,
        IQuotePins quotes, TimeProvider clock, CancellationToken ct)
    {
        var errors = new FieldErrors()
            .When(!OrderId.IsValid(orderId), "orderId", $"1 to {OrderId.MaxLength} characters of letters, digits, _ - . :")
            .When(string.IsNullOrWhiteSpace(request.QuoteId), "quoteId", "A quote id from POST /api/v1/settlement/quotes.")
            .Text("quoteId", request.QuoteId)
            .When(request.CouponIds is not null, "couponIds", "Not with quoteId: the quote says which coupons to lock.")
            .When(request.UserId is < 1, "userId", "A positive id (optional with quoteId: it must be the quote's user).")
            .When(request.TtlSeconds is null or < 1 || request.TtlSeconds > max.MaxLockTtlSeconds, "ttlSeconds", $"Required: 1 to {max.MaxLockTtlSeconds} seconds.");
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);

        var pin = await quotes.PinAsync(request.QuoteId!, request.UserId is { } u ? new UserId(u) : null, UtcMillis.Now(clock), caller.Subject, ct);
        if (pin.Refusal is { } refused) return ProblemResults.From(refused);

        var outcome = await checkout.RunAsync(verbs.Lock(caller, new OrderId(orderId), pin.User, pin.Coupons, TimeSpan.FromSeconds(request.TtlSeconds!.Value), request.QuoteId), ct);
        if (outcome is CheckoutOutcome.Refused { Refusal: { Code: "ILLEGAL_TRANSITION" or "COUPON_NOT_FOUND" } r })
        {
            return ProblemResults.From(r with
            {
                Kind = RefusalKind.Conflict,
                Code = "QUOTE_NO_LONGER_HOLDS",
                Message = $"The wallet changed since quote {request.QuoteId}: {r.Message} Ask for a new quote.",
            });
        }
        return CheckoutEndpoints.Respond(outcome);
    }
}
