using PromotionEngine.Engine.Coupons;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Tests.Claims;

/// <summary>A real coupons' store behind a test's own writes (a fault, a count): every call goes on to it unless overridden.</summary>
internal abstract class DelegatingCoupons(IUserCoupons inner) : IUserCoupons
{
    public Task<UserCoupon?> FindAsync(UserCouponId id, CancellationToken ct) => inner.FindAsync(id, ct);

    public Task<IReadOnlyList<UserCoupon>> GetAsync(UserId user, IReadOnlyCollection<UserCouponId> ids, WriteScope scope, CancellationToken ct) =>
        inner.GetAsync(user, ids, scope, ct);

    public virtual Task AddAsync(UserCoupon coupon, WriteScope scope, CancellationToken ct) => inner.AddAsync(coupon, scope, ct);

    public virtual Task AddAllAsync(IReadOnlyList<UserCoupon> batch, WriteScope scope, CancellationToken ct) => inner.AddAllAsync(batch, scope, ct);

    public Task AddManyAsync(IReadOnlyList<UserCoupon> batch, WriteScope scope, CancellationToken ct) => inner.AddManyAsync(batch, scope, ct);

    public Task SaveAsync(UserCoupon coupon, WriteScope scope, CancellationToken ct) => inner.SaveAsync(coupon, scope, ct);

    public Task<bool> TrySaveAsync(UserCoupon coupon, WriteScope scope, CancellationToken ct) => inner.TrySaveAsync(coupon, scope, ct);

    public Task<IReadOnlyList<UserCoupon>> ListUnspentAsync(UserId user, DateTimeOffset endedSince, int limit, CancellationToken ct) =>
        inner.ListUnspentAsync(user, endedSince, limit, ct);

    public Task<IReadOnlyList<UserCoupon>> ListAsync(
        UserId user, CouponStatus? status, long? after, int limit, DateTimeOffset now, CancellationToken ct) =>
        inner.ListAsync(user, status, after, limit, now, ct);

    public Task<IReadOnlyList<UserCoupon>> FindOvertakenAsync(DateTimeOffset now, int limit, CancellationToken ct) =>
        inner.FindOvertakenAsync(now, limit, ct);
}
