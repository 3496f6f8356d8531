using PromotionEngine.Kernel.Messaging;

namespace PromotionEngine.Contracts.Events.Settlement.V1;

/// <summary>Settlement events are the settlement's, partitioned by order id: one order's events arrive in order.</summary>
public interface ISettlementEvent : IIntegrationEvent
{
    static string IIntegrationEvent.Producer => "settlement";
    static int IIntegrationEvent.SchemaVersion => 1;

    string OrderId { get; }
}

/// <summary>
/// An order event could not be carried out on the order's coupons, and nothing changed: e.g. a payment after the hold
/// lapsed (HOLD_EXPIRED), after the coupons were released (ORDER_RELEASED) or for an order whose lock was refused
/// (ORDER_NOT_LOCKED); a cancellation after payment (ORDER_ALREADY_PAID); a lock the wallet no longer allows. The order
/// system decides what follows (charge without the discount, refund, re-quote). The settlement record shows it too.
/// </summary>
/// <param name="Step">LOCK, CONSUME, RELEASE or REFUND: what the event asked for.</param>
/// <param name="CauseType">The order event's type, e.g. payment-succeeded.</param>
public sealed record OrderSettlementRefused(
    string OrderId, long UserId, string Step, string Code, string Message, string CauseType, Guid CauseEventId, DateTimeOffset RefusedAt)
    : ISettlementEvent
{
    public static string Type => "order-settlement-refused";
}

/// <summary>
/// A refund of a consumed order was settled per the pinned allocation (docs/settlement.md, "Refunds"): what the refunded
/// units were paid, the shipping returned, the discount clawed back from the kept units whose threshold no longer holds,
/// what is due to the buyer now (Payout) and what the buyer owes back when the claw-back exceeds the refunds (Outstanding).
/// CouponsRestored: the whole order is refunded and its coupons are back in the wallet. Amounts are null when the order was
/// locked without a quote (no allocation to price it by).
/// </summary>
public sealed record OrderRefundSettled(
    string OrderId, long UserId, string RefundId, string Currency, long? RefundedGoods, long? RefundedShipping, long? Clawback,
    long? Payout, long? Outstanding, long ShopRefunded, bool CouponsRestored, DateTimeOffset SettledAt) : ISettlementEvent
{
    public static string Type => "order-refund-settled";
}
