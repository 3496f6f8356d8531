using PromotionEngine.Kernel;

namespace PromotionEngine.Contracts.Engine;

/// <summary>
/// Engine's query port: the coupons a user holds, as of an instant, read from the engine's store (the strong read
/// the settlement needs: no cache). Spent coupons are left out, and so are coupons that ended before <c>endedSince</c>.
/// </summary>
public interface ICouponWallet
{
    Task<IReadOnlyList<WalletCouponView>> CouponsOfAsync(UserId user, DateTimeOffset now, DateTimeOffset endedSince, int limit, CancellationToken ct);
}

/// <summary>A wallet coupon; Status (AVAILABLE, LOCKED, EXPIRED) is the status at the instant asked; Order and LockedUntil while LOCKED.</summary>
public sealed record WalletCouponView(
    UserCouponId Id,
    TemplateId Template,
    MerchantId Merchant,
    string Status,
    DateTimeOffset ValidFrom,
    DateTimeOffset ValidUntil,
    string? Order,
    DateTimeOffset? LockedUntil,
    int Version);
