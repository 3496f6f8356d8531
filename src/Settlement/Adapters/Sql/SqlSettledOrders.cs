using System.Runtime.CompilerServices;
using System.Text.Json;
using Dapper;
using PromotionEngine.Contracts.Settlement;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Settlement.Orders;

namespace PromotionEngine.Settlement.Adapters.Sql;

/// <summary>
/// The records whose CONSUME step was done in [from, to) (the first such step: a repeated payment is IGNORED, not DONE),
/// streamed in order id order. The same statement in SQLite and the MySQL protocol. Reads st_order_steps through without an
/// index on the step's time: an operator's reconciliation of a day, not a hot path.
/// </summary>
internal sealed class SqlSettledOrders(IDatabase db) : ISettledOrders
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string Sql =
        "SELECT o.order_id AS OrderId, o.body AS Body, c.paid_at AS PaidAt FROM " +
        "(SELECT order_id, MIN(at) AS paid_at FROM st_order_steps WHERE step = 'CONSUME' AND outcome = 'DONE' GROUP BY order_id) c " +
        "JOIN st_orders o ON o.order_id = c.order_id WHERE c.paid_at >= @From AND c.paid_at < @To ORDER BY o.order_id";

    public async IAsyncEnumerable<SettledOrderView> PaidBetweenAsync(
        DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = connection.QueryUnbufferedAsync<Row>(Sql, new { From = UtcMillis.From(from), To = UtcMillis.From(to) });
        await foreach (var row in rows.WithCancellation(ct))
        {
            var record = JsonSerializer.Deserialize<OrderRecord>(row.Body, Json) ?? throw new JsonException("Not a settlement record.");
            yield return View(record, UtcMillis.ToTime(row.PaidAt));
        }
    }

    /// <summary>What the record says of the order: REFUNDED once refunded whole, else PAID; per coupon discounts from the pinned quote.</summary>
    internal static SettledOrderView View(OrderRecord record, DateTimeOffset paidAt)
    {
        var pinned = record.Priced?.Coupons.ToDictionary(c => c.CouponId, c => c.Discount);
        var coupons = record.CouponIds
            .Select(id => new SettledCouponView(id, pinned is not null && pinned.TryGetValue(id, out var d) ? d : null)).ToList();
        var discount = record.ConsumedDiscount ?? coupons.Sum(c => c.Discount ?? 0);
        var status = record.State == OrderStates.Refunded ? "REFUNDED" : "PAID";
        return new SettledOrderView(record.OrderId, paidAt, status, record.Currency, discount, coupons);
    }

    private sealed class Row
    {
        public string OrderId { get; init; } = "";
        public string Body { get; init; } = "";
        public long PaidAt { get; init; }
    }
}
