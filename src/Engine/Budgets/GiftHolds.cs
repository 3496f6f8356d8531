using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Engine.Coupons;
using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Budgets;

/// <summary>
/// A GIFT template's stock of gifts is a budget counted in units of the gift (docs/gifts.md): its key is "g:&lt;templateId&gt;", its
/// limit the stock the merchant added. A lock of one of its coupons reserves the gift's quantity there, in the same conditional
/// UPDATE as a money budget; the holds then move with the coupon exactly as money holds do (spent on consume, freed on release or a
/// lapsed hold, restored on a refund). A gift coupon without a quote reserves its gift too, as a money coupon reserves its largest
/// discount: never more is given than the stock.
/// </summary>
internal static class GiftHolds
{
    /// <summary>The gift holds of the locked coupons whose template gives a gift, added to the plan's holds and per-key totals.</summary>
    public static void Plan(IEnumerable<UserCoupon> locks, IReadOnlyDictionary<TemplateId, CouponTemplateSnapshot?> snapshots,
        List<BudgetHold> holds, SortedDictionary<string, (long Amount, long Limit)> needed)
    {
        foreach (var coupon in locks)
        {
            if (snapshots[coupon.Template]?.Gift is not { Quantity: > 0 } gift) continue;
            holds.Add(new BudgetHold(coupon.Id, coupon.Order!.Value, gift.Key, gift.Quantity, BudgetHoldStates.Reserved, 0));
            needed[gift.Key] = (needed.GetValueOrDefault(gift.Key).Amount + gift.Quantity, gift.Stock);
        }
    }

    /// <summary>The refusal of a lock whose gifts the stock cannot cover.</summary>
    public static Refusal OutOfStock(string key, long amount) =>
        new(ErrorCodes.GiftOutOfStock, $"The gift stock {key} cannot cover the {amount} gifts the order's coupons earn.", null,
            new Dictionary<string, object?> { ["gift"] = key });
}
