using Dapper;
using PromotionEngine.Contracts.Http.Clearing;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Clearing.Journal;

/// <summary>
/// One user coupon's facts in the clearing journal, in seq order (the order they were derived), a page at a time through the
/// journal's (user_coupon_id, seq) index (V1_95): user support reads a coupon's history without scanning the journal.
/// </summary>
internal sealed class CouponJournal(IDatabase db)
{
    public async Task<IReadOnlyList<(long Seq, CouponMovementResponse Movement)>> PageAsync(long coupon, long after, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            "SELECT seq, movement, occurred_at, template_id, merchant_id, channel, channel_id, order_id, status, discount, currency, "
            + "order_line, sku FROM clr_journal WHERE user_coupon_id = @Coupon AND seq > @After ORDER BY seq LIMIT @Limit",
            new { Coupon = coupon, After = after, Limit = limit }, cancellationToken: ct));
        return [.. rows.Select(r => (r.Seq, r.ToResponse()))];
    }

    /// <summary>Column names as Dapper maps them (underscores matched).</summary>
    private sealed class Row
    {
        public long Seq { get; init; }
        public string Movement { get; init; } = "";
        public long OccurredAt { get; init; }
        public long TemplateId { get; init; }
        public long MerchantId { get; init; }
        public string Channel { get; init; } = "";
        public string? ChannelId { get; init; }
        public string? OrderId { get; init; }
        public string? Status { get; init; }
        public long Discount { get; init; }
        public string Currency { get; init; } = "";
        public int? OrderLine { get; init; }
        public string? Sku { get; init; }

        // An order's movements name the order in channel_id too; the answer gives it once, as orderId.
        public CouponMovementResponse ToResponse() => new(Seq.ToString(System.Globalization.CultureInfo.InvariantCulture), Movement,
            UtcMillis.ToTime(OccurredAt), TemplateId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            MerchantId.ToString(System.Globalization.CultureInfo.InvariantCulture), Channel,
            Channel == "DISTRIBUTION" ? ChannelId : null, OrderId, Status, Discount, Currency, OrderLine, Sku);
    }
}
