using PromotionEngine.Contracts.Http;
using PromotionEngine.Contracts.Http.Engine;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Documentation;

namespace PromotionEngine.Engine.Http;

/// <summary>The OpenAPI document's examples of the engine's endpoints: user 1001 and a coupon of 会员日满100减20 (merchant 7).</summary>
internal static class EngineExamples
{
    public const string TemplateId = "384536415389614080";
    public const string CouponId = "384536415389614337";
    public const string ReminderId = "384536415389615001";
    private static readonly DateTimeOffset Claimed = new(2026, 6, 18, 2, 0, 3, TimeSpan.Zero);
    private static readonly DateTimeOffset Opens = new(2026, 6, 18, 2, 0, 0, TimeSpan.Zero);

    public static readonly UserCouponResponse Coupon = new(CouponId, TemplateId, "1001", "7", "AVAILABLE", Claimed, Claimed,
        Claimed.AddDays(7), null, null, null);

    public static readonly ApiExample Claim = new("claimed", "A first claim of 会员日满100减20", 201, Coupon, new ClaimRequest(384536415389614080));

    public static readonly ApiExample ClaimAgain = new("retried", "The same claim retried under its Idempotency-Key: the coupon it got", 200,
        Coupon, new ClaimRequest(384536415389614080));

    public static readonly ApiExample Wallet = new("wallet", "The user's available coupons, newest first", 200,
        new Page<UserCouponResponse>([Coupon], Cursor.Encode(384536415389614337)),
        Parameters: new Dictionary<string, string> { ["status"] = "AVAILABLE", ["limit"] = "20" });

    public static readonly ApiExample OneCoupon = new("locked", "A coupon held by an order until its payment", 200,
        Coupon with { Status = "LOCKED", OrderId = "ord-20260618-000123", LockedUntil = Claimed.AddMinutes(15) },
        Parameters: new Dictionary<string, string> { ["couponId"] = CouponId });

    public static readonly ApiExample Rebuilt = new("rebuilt", "Every template's counters dropped, to be reloaded on their next claim", 200,
        new Claims.ClaimCounterEndpoints.RebuildResponse(42, "Each template's counters are reloaded from the database on its next claim."));

    private static readonly ReminderResponse Reminder = new(ReminderId, "384536415389614999", "7", 5, Opens.AddDays(2),
        Opens.AddDays(2).AddMinutes(-5), "SCHEDULED", Claimed, null, null, null);

    public static readonly ApiExample SetReminder = new("scheduled", "预约提醒: 5 minutes before the flash sale opens", 201, Reminder,
        new SetReminderRequest(384536415389614999, 5));

    public static readonly ApiExample SameReminder = new("already-set", "The same reminder asked again: the waiting one", 200, Reminder,
        new SetReminderRequest(384536415389614999, 5));

    public static readonly ApiExample Reminders = new("reminders", "The user's waiting reminders", 200,
        new Page<ReminderResponse>([Reminder], null), Parameters: new Dictionary<string, string> { ["status"] = "SCHEDULED" });

    public static readonly ApiExample OneReminder = new("sent", "A reminder that was sent", 200,
        Reminder with { Status = "SENT", SentAt = Opens.AddDays(2).AddMinutes(-5) },
        Parameters: new Dictionary<string, string> { ["id"] = ReminderId });

    public static readonly ApiExample CancelReminder = new("cancelled", "The reminder is withdrawn (again: still 204)", 204, null,
        Parameters: new Dictionary<string, string> { ["id"] = ReminderId });
}
