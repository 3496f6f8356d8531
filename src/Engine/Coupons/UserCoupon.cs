using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Kernel;
using static PromotionEngine.Engine.Coupons.CouponStatus;

namespace PromotionEngine.Engine.Coupons;

internal enum CouponStatus
{
    Available,
    Locked,
    Consumed,
    Expired,
}

/// <summary>An order's claim on a coupon while the user pays; it lapses by itself at <see cref="Until"/>.</summary>
internal sealed record CouponHold(OrderId Order, DateTimeOffset Until);

/// <summary>Why a coupon changed status: the verb, or the clock (a lapsed hold, the end of validity).</summary>
internal enum CouponCause
{
    Lock,
    Consume,
    Release,
    Refund,
    HoldLapsed,
    Expire,
}

/// <summary>
/// One status change, as it happened: <see cref="At"/> is the business time (a lapsed hold ended at its
/// lockedUntil, not when the sweep noticed), <see cref="Order"/> the order involved, if any.
/// </summary>
internal sealed record CouponTransition(CouponStatus From, CouponStatus To, CouponCause Cause, DateTimeOffset At, OrderId? Order);

/// <summary>What a lifecycle verb did to a coupon.</summary>
internal enum CouponMove
{
    /// <summary>The coupon changed state.</summary>
    Moved,
    /// <summary>The coupon was already where the verb leads for this order (a repeated request).</summary>
    AlreadyDone,
    /// <summary>The current state does not allow the verb.</summary>
    NotAllowed,
    /// <summary>The order's hold lapsed before the verb arrived; the coupon went back to the wallet.</summary>
    HoldLapsed,
    /// <summary>The coupon is held by, or was spent on, another order.</summary>
    HeldByAnotherOrder,
}

/// <summary>
/// One coupon in one user's wallet, and the only place its status changes. Time is passed in; a hold
/// past its end and a coupon past its validity count as released and expired from that instant, whether
/// or not the sweep has stored it yet.
/// </summary>
internal sealed class UserCoupon
{
    private UserCoupon(UserCouponId id, UserId user, TemplateId template, MerchantId merchant, CouponStatus status,
        DateTimeOffset claimedAt, DateTimeOffset validFrom, DateTimeOffset validUntil, OrderId? order, DateTimeOffset? lockedUntil,
        DateTimeOffset? consumedAt, DateTimeOffset updatedAt, int version)
    {
        Id = id;
        User = user;
        Template = template;
        Merchant = merchant;
        Status = status;
        ClaimedAt = claimedAt;
        ValidFrom = validFrom;
        ValidUntil = validUntil;
        Order = order;
        LockedUntil = lockedUntil;
        ConsumedAt = consumedAt;
        UpdatedAt = updatedAt;
        Version = version;
    }

    public UserCouponId Id { get; }
    public UserId User { get; }
    public TemplateId Template { get; }
    public MerchantId Merchant { get; }
    public CouponStatus Status { get; private set; }
    public DateTimeOffset ClaimedAt { get; }
    public DateTimeOffset ValidFrom { get; }
    public DateTimeOffset ValidUntil { get; }

    /// <summary>The order holding the coupon (LOCKED), that spent it (CONSUMED), or whose hold lapsed (AVAILABLE, EXPIRED).</summary>
    public OrderId? Order { get; private set; }
    public DateTimeOffset? LockedUntil { get; private set; }
    public DateTimeOffset? ConsumedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public int Version { get; }

    private readonly List<CouponTransition> _transitions = [];

    /// <summary>The status changes made since the coupon was read or created, oldest first: what its events tell.</summary>
    public IReadOnlyList<CouponTransition> Transitions => _transitions;

    public CouponHold? Hold => Status == Locked && Order is { } o && LockedUntil is { } u ? new CouponHold(o, u) : null;

    /// <summary>A new coupon: valid from the claim until the template's end, or sooner when the template gives each coupon a shorter life.</summary>
    public static UserCoupon Claim(UserCouponId id, UserId user, CouponTemplateSnapshot template, DateTimeOffset now)
    {
        var until = template.ValidityAfterClaim is { } life && now + life < template.ValidUntil ? now + life : template.ValidUntil;
        return new UserCoupon(id, user, template.Id, template.Merchant, Available, now, now, until, null, null, null, now, 0);
    }

    public static UserCoupon Restore(UserCouponId id, UserId user, TemplateId template, MerchantId merchant, CouponStatus status,
        DateTimeOffset claimedAt, DateTimeOffset validFrom, DateTimeOffset validUntil, OrderId? order, DateTimeOffset? lockedUntil,
        DateTimeOffset? consumedAt, DateTimeOffset updatedAt, int version) =>
        new(id, user, template, merchant, status, claimedAt, validFrom, validUntil, order, lockedUntil, consumedAt, updatedAt, version);

    /// <summary>The status as of <paramref name="now"/>: lapsed holds are released and ended coupons expired, stored or not.</summary>
    public CouponStatus StatusAt(DateTimeOffset now) => Status switch
    {
        Available when now >= ValidUntil => Expired,
        Locked when now >= LockedUntil => now >= ValidUntil ? Expired : Available,
        _ => Status,
    };

    public CouponMove Lock(OrderId order, TimeSpan ttl, DateTimeOffset now)
    {
        Settle(now);
        if (Status == Locked && Order == order) return CouponMove.AlreadyDone; // redelivery
        if (!CanMove(Status, Locked)) return Status == Locked ? CouponMove.HeldByAnotherOrder : CouponMove.NotAllowed;
        // A hold never outlives the coupon: a payment after the coupon's end is refused, not honoured.
        (Order, LockedUntil) = (order, now + ttl < ValidUntil ? now + ttl : ValidUntil);
        MoveTo(Locked, CouponCause.Lock, now, now);
        return CouponMove.Moved;
    }

    /// <summary>Payment succeeded: spend the coupon on the order holding it, at most once.</summary>
    public CouponMove Consume(OrderId order, DateTimeOffset now)
    {
        if (Status == Consumed) return Order == order ? CouponMove.AlreadyDone : CouponMove.HeldByAnotherOrder;
        Settle(now);
        if (Status == Locked)
        {
            if (Order != order) return CouponMove.HeldByAnotherOrder;
            MoveTo(Consumed, CouponCause.Consume, now, now);
            (LockedUntil, ConsumedAt) = (null, now);
            return CouponMove.Moved;
        }
        // A lapsed hold keeps its order (see Settle), so a late payment learns why, whether or not the sweep ran.
        return Order == order ? CouponMove.HoldLapsed : CouponMove.NotAllowed;
    }

    /// <summary>Payment failed or the order was cancelled: give the coupon back, unless it has ended meanwhile.</summary>
    public CouponMove Release(OrderId order, DateTimeOffset now)
    {
        Settle(now);
        if (Status == Consumed) return Order == order ? CouponMove.NotAllowed : CouponMove.AlreadyDone;
        if (Status != Locked || Order != order) return CouponMove.AlreadyDone; // released before, or its hold lapsed
        MoveTo(now >= ValidUntil ? Expired : Available, CouponCause.Release, now, now);
        (Order, LockedUntil) = (null, null);
        return CouponMove.Moved;
    }

    /// <summary>The order was refunded: the coupon returns to the wallet if it is still valid, otherwise it is expired.</summary>
    public CouponMove Refund(OrderId order, DateTimeOffset now)
    {
        if (Status != Consumed) return CouponMove.NotAllowed;
        if (Order != order) return CouponMove.HeldByAnotherOrder;
        MoveTo(now >= ValidUntil ? Expired : Available, CouponCause.Refund, now, now);
        (Order, ConsumedAt) = (null, null);
        return CouponMove.Moved;
    }

    /// <summary>Stores what the clock already decided: a lapsed hold released, an ended coupon expired. True when anything changed.</summary>
    public bool Settle(DateTimeOffset now)
    {
        var effective = StatusAt(now);
        if (effective == Status) return false;
        // A lapsed hold keeps Order and LockedUntil as the record of that hold.
        var (cause, at) = Status == Locked ? (CouponCause.HoldLapsed, LockedUntil!.Value) : (CouponCause.Expire, ValidUntil);
        MoveTo(effective, cause, at, now);
        return true;
    }

    private void MoveTo(CouponStatus next, CouponCause cause, DateTimeOffset at, DateTimeOffset now)
    {
        if (!CanMove(Status, next)) throw new InvalidOperationException($"A coupon cannot move from {Status} to {next}.");
        _transitions.Add(new CouponTransition(Status, next, cause, at, Order));
        Status = next;
        UpdatedAt = now;
    }

    /// <summary>The one transition table of the coupon lifecycle.</summary>
    public static bool CanMove(CouponStatus from, CouponStatus to) => (from, to) switch
    {
        (Available, Locked) or (Available, Expired) => true,                     // lock, expire
        (Locked, Consumed) or (Locked, Available) or (Locked, Expired) => true,  // consume, release or lapse
        (Consumed, Available) or (Consumed, Expired) => true,                    // refund
        _ => false,
    };
}
