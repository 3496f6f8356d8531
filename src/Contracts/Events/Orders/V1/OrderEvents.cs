using PromotionEngine.Kernel.Messaging;

namespace PromotionEngine.Contracts.Events.Orders.V1;

/// <summary>
/// Facts of the shop's order and payment services (an outside producer, "orders"), which the settlement's order saga
/// reacts to. Published on <c>promo.orders.&lt;type&gt;.v1</c>, partitioned by order id (docs/events.md, "Order events").
/// </summary>
public interface IOrderEvent : IIntegrationEvent
{
    static string IIntegrationEvent.Producer => "orders";
    static int IIntegrationEvent.SchemaVersion => 1;

    string OrderId { get; }
}

/// <summary>
/// An order was placed and waits for payment: hold its coupons. Either QuoteId (a settlement quote: its selected coupons
/// are held, and its allocation prices refunds later) or CouponIds (held as listed; refunds then restore coupons only
/// for the whole order). LockTtlSeconds is the payment timeout (null: Settlement:LockTtl); an unpaid order's coupons
/// come back by themselves when it passes.
/// </summary>
public sealed record OrderCreated(
    string OrderId, long UserId, string Currency, string? QuoteId, IReadOnlyList<long>? CouponIds, int? LockTtlSeconds, DateTimeOffset CreatedAt)
    : IOrderEvent
{
    public static string Type => "order-created";
}

/// <summary>The order was paid: spend its held coupons. Amount (minor units) is what the buyer paid.</summary>
public sealed record PaymentSucceeded(string OrderId, string PaymentId, long Amount, string Currency, DateTimeOffset PaidAt) : IOrderEvent
{
    public static string Type => "payment-succeeded";
}

/// <summary>The payment failed for good (the order will not be paid): give its coupons back.</summary>
public sealed record PaymentFailed(string OrderId, string PaymentId, string? Reason, DateTimeOffset FailedAt) : IOrderEvent
{
    public static string Type => "payment-failed";
}

/// <summary>The order was cancelled before it was paid: give its coupons back. (A paid order is refunded, not cancelled.)</summary>
public sealed record OrderCancelled(string OrderId, string? Reason, DateTimeOffset CancelledAt) : IOrderEvent
{
    public static string Type => "order-cancelled";
}

/// <summary>
/// Money went back to the buyer for some or all of a paid order. Lines null: the whole order (everything not refunded
/// before); otherwise the units refunded now, by sku. RefundId names this refund: the same id twice is one refund.
/// Amount is what the shop paid back (minor units), recorded next to what the settlement computes as due.
/// </summary>
public sealed record RefundSucceeded(
    string OrderId, string RefundId, IReadOnlyList<RefundedLine>? Lines, long Amount, DateTimeOffset RefundedAt) : IOrderEvent
{
    public static string Type => "refund-succeeded";
}

/// <summary>Quantity units of the order line with this sku.</summary>
public sealed record RefundedLine(string Sku, int Quantity);
