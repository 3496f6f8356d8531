using System.Text.Json;

namespace PromotionEngine.Contracts.Http.Settlement;

/// <summary>
/// GET /api/v1/settlement/orders/{orderId}: an order's coupons, amounts and every step (docs/settlement.md, "The
/// settlement record").
/// </summary>
public sealed record SettlementRecordResponse(
    string OrderId,
    string UserId,
    string State,
    string? Code,
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

public sealed record RecordStepResponse(int Seq, DateTimeOffset At, string Step, string Source, string Outcome, string? Code, string Detail,
    string? CauseType, string? CauseEventId);

/// <summary>POST /api/v1/settlement/orders/{orderId}/refunds: lines null refunds everything left; RefundId makes a repeat the same refund.</summary>
public sealed record RefundRequest(string? RefundId, IReadOnlyList<RefundLineRequest>? Lines, long? Amount);

public sealed record RefundLineRequest(string? Sku, int? Quantity);

/// <summary>
/// POST /api/v1/settlement/order-events: an order event for the embedded default (no broker of the order system's): recorded
/// into the outbox as if published on promo.orders.&lt;type&gt;.v1, then delivered to the saga like any event.
/// </summary>
public sealed record OrderEventRequest(Guid? EventId, string? Type, DateTimeOffset? OccurredAt, JsonElement? Payload);

public sealed record OrderEventAccepted(string EventId, string Subject);
