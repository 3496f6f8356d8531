using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Contracts.Engine;

/// <summary>
/// Engine's port for money budgets (a campaign's, a template's): what each has spent and holds reserved, and the refund
/// step the settlement takes by its claw-back. The engine reserves a coupon's discount when an order locks it, spends it
/// on consume, frees it on release or a lapsed hold and restores it when a whole order is refunded, each in the coupon's
/// own transaction; a partial refund restores what the settlement says it gave back (<see cref="RestoreAsync"/>).
/// </summary>
public interface ICouponBudgets
{
    /// <summary>Spent and reserved per budget key (<see cref="BudgetKeys"/>); a budget nothing has touched yet is 0 and 0.</summary>
    Task<IReadOnlyDictionary<string, BudgetUsage>> UsageAsync(IReadOnlyCollection<string> budgets, CancellationToken ct);

    /// <summary>
    /// Usage for a decision that a lock checks again exactly (a claim's stop-when-low check, a quote): a budget whose last reading
    /// here is under a second old, not overtaken by a lock of this instance, and left at least 4 times its <c>Near</c> (the most
    /// the decision could take of it) is not read again. Near a budget's end every call reads it (docs/campaigns.md).
    /// </summary>
    Task<IReadOnlyDictionary<string, BudgetUsage>> AdvisoryUsageAsync(IReadOnlyList<AdvisoryBudget> budgets, CancellationToken ct);

    /// <summary>
    /// A refund by lines gave back part of the order's discount (per coupon: what left with the refunded units plus the
    /// claw-back): that much of each coupon's spending returns to its budgets, never more than the coupon spent. In the
    /// caller's transaction; nothing is committed here.
    /// </summary>
    Task RestoreAsync(OrderId order, IReadOnlyList<BudgetRestore> restores, WriteScope scope, CancellationToken ct);
}

/// <summary>A budget for <see cref="ICouponBudgets.AdvisoryUsageAsync"/>: its limit, and the most the decision could take of it.</summary>
public sealed record AdvisoryBudget(string Key, long Limit, long Near);

/// <summary>Money of one budget in minor units: spent by consumed coupons, reserved by locked ones.</summary>
public sealed record BudgetUsage(long Spent, long Reserved)
{
    public static readonly BudgetUsage None = new(0, 0);

    /// <summary>What is left of <paramref name="limit"/>: never below 0 (a lowered budget may be below what is used).</summary>
    public long RemainingOf(long limit) => Math.Max(0, limit - Spent - Reserved);
}

/// <summary>
/// Part of one coupon's discount a refund gave back; Gifts: the units of a GIFT coupon's gift the refund returns to its gift stock
/// (the gift's condition no longer holds on the kept units: docs/gifts.md).
/// </summary>
public sealed record BudgetRestore(UserCouponId Coupon, long Amount, int Gifts = 0);

/// <summary>The names of budgets, shared by the module that defines them (merchant-admin) and the one that counts them (engine).</summary>
public static class BudgetKeys
{
    public static string Campaign(long campaignId) => "c:" + campaignId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string Template(TemplateId template) => "t:" + template.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A GIFT template's stock of gifts, counted in units of the gift (docs/gifts.md).</summary>
    public static string Gift(TemplateId template) => "g:" + template.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static bool IsGift(string key) => key.StartsWith("g:", StringComparison.Ordinal);
}
