using System.Runtime.CompilerServices;
using Dapper;
using PromotionEngine.Contracts.Engine;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Adapters.Sql;

/// <summary>The coupons consumed in [from, to) and still consumed, by the consumed_at index (V1_4); the same SQL in both dialects.</summary>
internal sealed class SqlConsumedCoupons(IDatabase db) : IConsumedCoupons
{
    public async IAsyncEnumerable<ConsumedCouponView> ConsumedBetweenAsync(
        DateTimeOffset from, DateTimeOffset to, MerchantId? merchant, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var sql = "SELECT id AS Id, template_id AS TemplateId, merchant_id AS MerchantId, order_id AS OrderId, consumed_at AS ConsumedAt " +
            "FROM en_user_coupons WHERE consumed_at >= @From AND consumed_at < @To AND status = 'CONSUMED'" +
            (merchant is null ? "" : " AND merchant_id = @Merchant");
        var rows = connection.QueryUnbufferedAsync<Row>(
            sql, new { From = UtcMillis.From(from), To = UtcMillis.From(to), Merchant = merchant?.Value });
        await foreach (var row in rows.WithCancellation(ct))
        {
            yield return new ConsumedCouponView(new UserCouponId(row.Id), new TemplateId(row.TemplateId), new MerchantId(row.MerchantId),
                row.OrderId ?? "", UtcMillis.ToTime(row.ConsumedAt));
        }
    }

    private sealed class Row
    {
        public long Id { get; init; }
        public long TemplateId { get; init; }
        public long MerchantId { get; init; }
        public string? OrderId { get; init; }
        public long ConsumedAt { get; init; }
    }
}
