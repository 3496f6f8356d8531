using PromotionEngine.Contracts.Engine;
using PromotionEngine.Engine.Coupons;
using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Wallet;

/// <summary>The wallet port other modules read (settlement quotes): every unspent coupon with its status as of the instant asked.</summary>
internal sealed class CouponWallet(IUserCoupons coupons) : ICouponWallet
{
    public async Task<IReadOnlyList<WalletCouponView>> CouponsOfAsync(
        UserId user, DateTimeOffset now, DateTimeOffset endedSince, int limit, CancellationToken ct)
    {
        var found = await coupons.ListUnspentAsync(user, endedSince, limit, ct);
        return found.Select(c =>
        {
            var status = c.StatusAt(now);
            var held = status == CouponStatus.Locked;
            return new WalletCouponView(c.Id, c.Template, c.Merchant, CouponStatusNames.Of(status), c.ValidFrom, c.ValidUntil,
                held ? c.Order?.Value : null, held ? c.LockedUntil : null, c.Version);
        }).Where(c => c.Status != "CONSUMED").ToList();
    }
}
