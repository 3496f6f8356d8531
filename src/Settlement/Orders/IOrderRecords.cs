using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Settlement.Orders;

/// <summary>The settlement records (st_orders) and their history (st_order_steps).</summary>
internal interface IOrderRecords
{
    /// <summary>The record as the transaction sees it, for a change; null when the order has none yet.</summary>
    Task<OrderRecord?> FindAsync(string orderId, WriteScope scope, CancellationToken ct);

    /// <summary>The record and its whole history, oldest step first.</summary>
    Task<(OrderRecord Record, IReadOnlyList<OrderStepEntry> History)?> ReadAsync(string orderId, CancellationToken ct);

    /// <summary>
    /// Inserts a new record or updates it over the version it was read at, and appends its new steps. A concurrent change
    /// throws <see cref="ConcurrencyConflictException"/>, so the whole transaction is tried again.
    /// </summary>
    Task SaveAsync(OrderRecord record, WriteScope scope, CancellationToken ct);
}
