using PromotionEngine.Contracts.Engine;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Contracts.Settlement;

/// <summary>
/// Settlement's port for the engine's HTTP order verbs: each verb that moves an order's coupons records the step in the
/// order's settlement record, in the verb's own transaction, so the record is right whichever way the order system
/// drives the engine (HTTP verbs or order events). The saga records its own steps; it does not come through here.
/// </summary>
public interface IOrderLedger
{
    Task RecordAsync(OrderStep step, WriteScope scope, CancellationToken ct);
}

/// <summary>
/// An order verb the engine carried out: LOCK, CONSUME, RELEASE or REFUND (every consumed coupon restored). Caller: the
/// service identity that asked (a new settlement record is that service's).
/// </summary>
public sealed record OrderStep(OrderId Order, string Operation, UserId User, string? QuoteId, IReadOnlyList<CheckedCoupon> Coupons, DateTimeOffset At,
    string Caller);
