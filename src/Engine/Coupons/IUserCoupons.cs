using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Coupons;

/// <summary>Stored user coupons, keyed by user (the wallet's access path).</summary>
internal interface IUserCoupons
{
    Task<UserCoupon?> FindAsync(UserCouponId id, CancellationToken ct);

    Task<IReadOnlyList<UserCoupon>> GetAsync(UserId user, IReadOnlyCollection<UserCouponId> ids, WriteScope scope, CancellationToken ct);

    Task AddAsync(UserCoupon coupon, WriteScope scope, CancellationToken ct);

    /// <summary>Adds newly claimed coupons (available, unheld), many rows to a statement (the claim group commit).</summary>
    Task AddAllAsync(IReadOnlyList<UserCoupon> batch, WriteScope scope, CancellationToken ct);

    /// <summary>Adds any number of newly claimed coupons through the store's bulk load (batch distribution).</summary>
    Task AddManyAsync(IReadOnlyList<UserCoupon> batch, WriteScope scope, CancellationToken ct);

    /// <summary>Stores the change; throws <see cref="ConcurrencyConflictException"/> when another writer saved first.</summary>
    Task SaveAsync(UserCoupon coupon, WriteScope scope, CancellationToken ct);

    /// <summary>Stores the change unless another writer saved first (false: nothing written, the other change stands).</summary>
    Task<bool> TrySaveAsync(UserCoupon coupon, WriteScope scope, CancellationToken ct);

    /// <summary>
    /// The user's coupons not spent and not ended before <paramref name="endedSince"/>, soonest to end first (the
    /// settlement's wallet).
    /// </summary>
    Task<IReadOnlyList<UserCoupon>> ListUnspentAsync(UserId user, DateTimeOffset endedSince, int limit, CancellationToken ct);

    /// <summary>A wallet page, newest first, filtered by the status as of <paramref name="now"/>.</summary>
    Task<IReadOnlyList<UserCoupon>> ListAsync(UserId user, CouponStatus? status, long? after, int limit, DateTimeOffset now, CancellationToken ct);

    /// <summary>Coupons whose stored status the clock has overtaken: holds that lapsed, available coupons that ended.</summary>
    Task<IReadOnlyList<UserCoupon>> FindOvertakenAsync(DateTimeOffset now, int limit, CancellationToken ct);
}
