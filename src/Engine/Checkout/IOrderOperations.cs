using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Checkout;

/// <summary>
/// What an order did to its coupons, once per (order, operation): the coupons it touched and the answer
/// given, so a repeated call returns that answer and changes nothing. Caller: the service identity that did it (null on
/// rows from before it was kept); the LOCK's caller owns the order.
/// </summary>
internal sealed record OrderOperation(OrderId Order, string Operation, UserId User, IReadOnlyList<UserCouponId> Coupons,
    string RequestHash, string ResponseJson, DateTimeOffset At, string? Caller);

internal interface IOrderOperations
{
    Task<OrderOperation?> FindAsync(OrderId order, string operation, WriteScope scope, CancellationToken ct);

    /// <summary>Throws <see cref="ConcurrencyConflictException"/> when a concurrent call recorded the operation first.</summary>
    Task RecordAsync(OrderOperation operation, WriteScope scope, CancellationToken ct);
}
