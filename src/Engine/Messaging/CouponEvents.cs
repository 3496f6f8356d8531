using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Engine.Coupons;
using PromotionEngine.Kernel.Messaging;

namespace PromotionEngine.Engine.Messaging;

/// <summary>
/// What the engine tells the rest of the system about a coupon, recorded in the transaction that stores the
/// change. Every status change is an event; every move to EXPIRED is also a CouponExpired. Changes that
/// hand the clock a deadline (a hold's end, a coupon's end) also set the timer that settles it.
/// </summary>
internal static class CouponEvents
{
    public static IEnumerable<OutgoingEvent> Claimed(UserCoupon c, string source, string? sourceId) =>
    [
        Event(c, new CouponClaimed(
            c.Id.Value, c.Template.Value, c.User.Value, c.Merchant.Value, c.ClaimedAt, c.ValidFrom, c.ValidUntil, source, sourceId), c.ClaimedAt),
        CouponTimers.SettleAt(c.ValidUntil, c.ClaimedAt),
    ];

    /// <summary>
    /// Many claims at once (batch distribution): each coupon's CouponClaimed, and one timer per second of deadlines
    /// (building one per coupon only for the outbox to fold them would serialize thousands of envelopes for nothing).
    /// </summary>
    public static List<OutgoingEvent> ClaimedMany(IReadOnlyList<UserCoupon> coupons, string source, string? sourceId)
    {
        var events = new List<OutgoingEvent>(coupons.Count + 1);
        var deadlines = new HashSet<long>();
        foreach (var c in coupons)
        {
            events.Add(Event(c, new CouponClaimed(
                c.Id.Value, c.Template.Value, c.User.Value, c.Merchant.Value, c.ClaimedAt, c.ValidFrom, c.ValidUntil, source, sourceId),
                c.ClaimedAt));
            if (deadlines.Add((c.ValidUntil.ToUnixTimeMilliseconds() + 999) / 1000)) events.Add(CouponTimers.SettleAt(c.ValidUntil, c.ClaimedAt));
        }
        return events;
    }

    /// <summary>The events of every transition the coupon made since it was read (a stored, saved change).</summary>
    public static IEnumerable<OutgoingEvent> Of(UserCoupon c)
    {
        foreach (var t in c.Transitions)
        {
            var order = t.Order?.Value ?? "";
            var status = CouponStatusNames.Of(t.To);
            switch (t.Cause)
            {
                case CouponCause.Lock:
                    yield return Event(
                        c, new CouponLocked(c.Id.Value, c.Template.Value, c.User.Value, c.Merchant.Value, order, t.At, c.LockedUntil!.Value), t.At);
                    yield return CouponTimers.SettleAt(c.LockedUntil.Value, t.At);
                    break;
                case CouponCause.Consume:
                    yield return Event(c, new CouponConsumed(c.Id.Value, c.Template.Value, c.User.Value, c.Merchant.Value, order, t.At), t.At);
                    break;
                case CouponCause.Release or CouponCause.HoldLapsed:
                    var reason = t.Cause == CouponCause.Release ? ReleaseReasons.Released : ReleaseReasons.HoldExpired;
                    yield return Event(
                        c, new CouponReleased(c.Id.Value, c.Template.Value, c.User.Value, c.Merchant.Value, order, reason, status, t.At), t.At);
                    break;
                case CouponCause.Refund:
                    yield return Event(
                        c, new CouponRefunded(c.Id.Value, c.Template.Value, c.User.Value, c.Merchant.Value, order, status, t.At), t.At);
                    // Back in the wallet: its end needs a timer again (the first one may have fired while it was spent).
                    if (t.To == CouponStatus.Available) yield return CouponTimers.SettleAt(c.ValidUntil, t.At);
                    break;
            }
            if (t.To == CouponStatus.Expired)
                yield return Event(c, new CouponExpired(c.Id.Value, c.Template.Value, c.User.Value, c.Merchant.Value, c.ValidUntil, t.At), t.At);
        }
    }

    private static OutgoingEvent Event<T>(UserCoupon c, T payload, DateTimeOffset at) where T : ICouponEvent =>
        OutgoingEvent.Now(payload, at, c.Id.ToString(), c.Merchant.Value);
}

/// <summary>
/// The engine's own timer: coupons whose hold or validity ends by <see cref="Until"/> are settled (and their
/// events recorded) when it falls due. Internal to the engine, not part of the public catalog.
/// </summary>
internal sealed record CouponsDue(DateTimeOffset Until) : IIntegrationEvent
{
    public static string Type => "coupons-due";
    public static int SchemaVersion => 1;
    public static string Producer => "engine";
}

internal static class CouponTimers
{
    /// <summary>
    /// One timer per second of deadlines, however many coupons share it: the deadline is rounded up to the
    /// second and the timer's schedule key is that second, so a flash sale's million coupons set a few timers.
    /// </summary>
    public static OutgoingEvent SettleAt(DateTimeOffset deadline, DateTimeOffset now)
    {
        var second = (deadline.ToUnixTimeMilliseconds() + 999) / 1000;
        var due = DateTimeOffset.FromUnixTimeSeconds(second);
        return OutgoingEvent.At(new CouponsDue(due), now, due, $"engine.coupons-due:{second}", $"coupons-due:{second}");
    }

    /// <summary>A follow-up timer due at once, when one batch did not settle everything that was due.</summary>
    public static OutgoingEvent Continue(DateTimeOffset until, DateTimeOffset now) =>
        OutgoingEvent.At(new CouponsDue(until), now, now, $"engine.coupons-due:more:{Guid.CreateVersion7(now)}", "coupons-due:more");
}
