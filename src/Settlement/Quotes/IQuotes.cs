using PromotionEngine.Kernel;

namespace PromotionEngine.Settlement.Quotes;

/// <summary>
/// A stored quote: the answer given, and what it pinned (the cart and each selected coupon's share per line). Owner: the service
/// identity that asked for it (null on quotes from before owners were kept).
/// </summary>
internal sealed record StoredQuote(string Id, UserId User, string InputHash, IReadOnlyList<UserCouponId> Coupons, DateTimeOffset ExpiresAt,
    DateTimeOffset CreatedAt, string ResponseJson, string PinnedJson, string? Owner);

/// <summary>What a quote pins for the lock and the settlement record: enough to explain and refund it later.</summary>
internal sealed record PinnedQuote(
    long UserId, string Currency, long ShippingFee, IReadOnlyList<PinnedLine> Lines, IReadOnlyList<PinnedCoupon> Coupons);

internal sealed record PinnedLine(int Line, string Sku, long UnitPrice, int Quantity, long Discount);

/// <summary>
/// A selected coupon: its discount, its threshold (met on list prices of its lines; a tiered coupon's: the tier it reached), and
/// its share on each of its lines. Tiers: a tiered coupon's tiers, so a refund can tell which tier the kept units still reach.
/// Shipping: a FREE_SHIPPING coupon's discount, on the shipping fee (its line shares are 0: its lines only say where its threshold is met).
/// Deal: a BUY_X_GET_Y coupon's terms, so a refund can tell what the kept units still earn.
/// </summary>
internal sealed record PinnedCoupon(
    long CouponId, long TemplateId, long Discount, long? ThresholdAmount, IReadOnlyList<int> Lines, IReadOnlyList<long> Shares,
    IReadOnlyList<PinnedTier>? Tiers = null,
    long Shipping = 0,
    PinnedGift? Gift = null,
    PinnedDeal? Deal = null);

/// <summary>
/// A GIFT coupon's gift: Quantity units of Sku at price 0, earned while the kept units of its lines reach its threshold and hold
/// MinQuantity units (a refund that breaks that returns the gift to the stock: docs/gifts.md).
/// </summary>
internal sealed record PinnedGift(string Sku, int Quantity, int? MinQuantity);

internal sealed record PinnedTier(long Threshold, long Discount);

internal interface IQuotes
{
    /// <summary>The live quote for exactly this input (same cart, pick and wallet state), if one was given.</summary>
    Task<StoredQuote?> FindLiveAsync(UserId user, string inputHash, DateTimeOffset now, CancellationToken ct);

    Task<StoredQuote?> FindAsync(string id, CancellationToken ct);

    /// <summary>Stores the quote; when a concurrent identical request stored the same id first, returns that one.</summary>
    Task<StoredQuote> AddAsync(StoredQuote quote, CancellationToken ct);
}
