using Microsoft.AspNetCore.Http;
using PromotionEngine.Contracts.Http.Engine;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Kernel.Validation;
using PromotionEngine.Settlement.Quotes;

namespace PromotionEngine.Settlement.Checkout;

/// <summary>
/// Lock with a quote id: the quote says which coupons of which user it selected (or why it cannot be locked: unknown,
/// another service's, expired, another user's, no coupons), and exactly those are locked, all or none. When the wallet
/// changed so that a pinned coupon can no longer be locked, the quote no longer holds: 409 QUOTE_NO_LONGER_HOLDS with each
/// coupon's state and reason.
/// </summary>
internal static class QuoteLock
{
    public static async Task<IResult> LockAsync(string caller, string orderId, LockCouponsRequest request, CheckoutOrder checkout, QuotePins quotes,
        TimeProvider clock, CancellationToken ct)
    {
        var max = checkout.Limits;
        var errors = new FieldErrors()
            .When(!OrderId.IsValid(orderId), "orderId", CheckoutEndpoints.OrderIdRule)
            .When(string.IsNullOrWhiteSpace(request.QuoteId), "quoteId", "A quote id from POST /api/v1/settlement/quotes.")
            .Text("quoteId", request.QuoteId)
            .When(request.CouponIds is not null, "couponIds", "Not with quoteId: the quote says which coupons to lock.")
            .When(request.UserId is < 1, "userId", "A positive id (optional with quoteId: it must be the quote's user).")
            .When(
                request.TtlSeconds is null or < 1 || request.TtlSeconds > max.MaxLockTtlSeconds,
                "ttlSeconds", $"Required: 1 to {max.MaxLockTtlSeconds} seconds.");
        if (!errors.IsEmpty) return ProblemResults.Invalid(errors);

        var pin = await quotes.PinAsync(request.QuoteId!, request.UserId is { } u ? new UserId(u) : null, UtcMillis.Now(clock), caller, ct);
        if (pin.Refusal is { } refused) return ProblemResults.From(refused);

        var result = await checkout.LockAsync(
            caller,
            new OrderId(orderId),
            pin.User,
            pin.Coupons,
            TimeSpan.FromSeconds(request.TtlSeconds!.Value),
            request.QuoteId,
            ct,
            pin.Discounts);
        if (result.Refusal is { } r && (r.Error == ErrorCodes.IllegalTransition || r.Error == ErrorCodes.CouponNotFound))
        {
            return ProblemResults.From(r with
            {
                Error = ErrorCodes.QuoteNoLongerHolds,
                Message = $"The wallet changed since quote {request.QuoteId}: {r.Message} Ask for a new quote.",
            });
        }
        return CheckoutEndpoints.Respond(result);
    }
}
