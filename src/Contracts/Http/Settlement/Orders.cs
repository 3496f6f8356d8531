using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace PromotionEngine.Contracts.Http.Settlement;

/// <summary>
/// GET /api/v1/settlement/orders/{orderId}: an order's coupons, amounts and every step (docs/settlement.md, "The
/// settlement record").
/// </summary>
public sealed record SettlementRecordResponse(
    string OrderId,
    string UserId,
    [property: AllowedValues("AWAITING_ORDER", "NO_COUPONS", "LOCKED", "EXPIRED", "LOCK_REFUSED", "CONSUMED", "CONSUME_REFUSED", "RELEASED",
        "REFUNDED")]
    string State,
    [property: Description("Why the last step was refused (docs/errors.md, the order saga's codes), else null.")] string? Code,
    string? Currency,
    string? QuoteId,
    IReadOnlyList<string> CouponIds,
    DateTimeOffset? LockedUntil,
    QuotedAmounts? Quoted,
    DiscountAmounts Discount,
    long? Paid,
    RefundAmounts? Refunded,
    IReadOnlyList<RecordLineResponse> Lines,
    IReadOnlyList<RecordRefundResponse> Refunds,
    IReadOnlyList<RecordStepResponse> History,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>What the quote said (null when the order was locked without one).</summary>
public sealed record QuotedAmounts(long Subtotal, long ShippingFee, long Discount, long Payable);

/// <summary>
/// The coupons' discount held, spent, given back (release or lapsed hold) and restored by a refund; null where unknown
/// or not (yet) so.
/// </summary>
public sealed record DiscountAmounts(long? Locked, long? Consumed, long? Released, long? Restored);

/// <summary>Refund totals so far, by the pinned allocation; ShopRefunded is what the order system says it paid back.</summary>
public sealed record RefundAmounts(long Goods, long Shipping, long Clawback, long Due, long PaidOut, long Outstanding, long ShopRefunded);

public sealed record RecordLineResponse(int Line, string Sku, long UnitPrice, int Quantity, long Discount, int RefundedQuantity);

public sealed record RecordRefundResponse(string RefundId, IReadOnlyList<RefundLineRequest>? Lines, long ShopRefunded, bool Pending, long? Payout,
    long? Clawback, long? Outstanding, bool CouponsRestored, DateTimeOffset At);

public sealed record RecordStepResponse(
    int Seq,
    DateTimeOffset At,
    [property: AllowedValues("LOCK", "CONSUME", "RELEASE", "REFUND")] string Step,
    [property: AllowedValues("EVENT", "HTTP"), Description("An order event (through the saga) or an HTTP call.")] string Source,
    [property: AllowedValues("DONE", "IGNORED", "REFUSED", "PENDING")] string Outcome,
    string? Code,
    string Detail,
    [property: Description("The order event that asked for the step (EVENT steps), e.g. order-created.")] string? CauseType,
    string? CauseEventId);

/// <summary>POST /api/v1/settlement/orders/{orderId}/refunds: lines null refunds everything left; RefundId makes a repeat the same refund.</summary>
public sealed record RefundRequest(
    [property: Required, StringLength(64, MinimumLength = 1), Description("The order system's id of this refund: the same id is the same refund.")]
    string? RefundId,
    [property: Description("The units refunded now, by sku (at least one line); null or absent: everything not refunded before.")]
    IReadOnlyList<RefundLineRequest>? Lines,
    [property: Description("What the shop paid back, in minor units (default 0)."), Range(0, long.MaxValue)] long? Amount);

public sealed record RefundLineRequest(
    [property: Required, StringLength(64, MinimumLength = 1)] string? Sku,
    [property: Required, Range(1, int.MaxValue)] int? Quantity);

/// <summary>
/// POST /api/v1/settlement/order-events: an order event for the embedded default (no broker of the order system's): recorded
/// into the outbox as if published on promo.orders.&lt;type&gt;.v1, then delivered to the saga like any event.
/// </summary>
public sealed record OrderEventRequest(
    [property: Required, Description("The event's UUID, the same for every retry of it (a repeat is delivered once).")] Guid? EventId,
    [property: Required, AllowedValues("order-created", "payment-succeeded", "payment-failed", "order-cancelled", "refund-succeeded")] string? Type,
    [property: Description("When it happened; absent: when it is received.")] DateTimeOffset? OccurredAt,
    [property: Required] JsonElement? Payload);

public sealed record OrderEventAccepted(
    string EventId,
    [property: Description("The subject it was recorded under, e.g. promo.orders.order-created.v1.")] string Subject);
