using PromotionEngine.Kernel;

namespace PromotionEngine.Contracts.Engine;

/// <summary>
/// Engine's query port for the clearing reconciliation: the user coupons consumed in a stretch of time and still consumed
/// (a refund restores a coupon and forgets its order), optionally of one merchant, streamed from the engine's store.
/// </summary>
public interface IConsumedCoupons
{
    IAsyncEnumerable<ConsumedCouponView> ConsumedBetweenAsync(DateTimeOffset from, DateTimeOffset to, MerchantId? merchant, CancellationToken ct);
}

public sealed record ConsumedCouponView(UserCouponId Id, TemplateId Template, MerchantId Merchant, string OrderId, DateTimeOffset ConsumedAt);
