using PromotionEngine.Contracts.Http.MerchantAdmin;
using PromotionEngine.Kernel.Validation;
using static PromotionEngine.MerchantAdmin.Templates.TemplateRules;

namespace PromotionEngine.MerchantAdmin.Templates;

/// <summary>
/// A BUY_X_GET_Y benefit (买二送一: buy 2 get 1 free; 第二件半价: buy 1 get 1 at 50 % off): every buyQuantity + getQuantity units of the
/// lines in scope earn getQuantity units, the cheapest, at percentOff basis points off (10000: free), in all at most the optional
/// maxDiscountAmount. It counts units of products, so its scope is PRODUCTS or CATEGORIES. Each fault names its field.
/// </summary>
internal static class BuyXGetYRules
{
    private static readonly string QuantityRule = $"A whole number from 1 to {MaxDealQuantity}.";

    public static Benefit BenefitFrom(CreateTemplateRequest r, FieldErrors errors)
    {
        const string only = "Not with BUY_X_GET_Y: it takes percentOff off the cheapest units of each group, at most maxDiscountAmount.";
        errors.When(r.Scope is not null and not ("PRODUCTS" or "CATEGORIES"), "scope",
                "BUY_X_GET_Y counts units of products: scope PRODUCTS or CATEGORIES.")
              .When(r.BuyQuantity is null or < 1 or > MaxDealQuantity, "buyQuantity", "Required with BUY_X_GET_Y: " + QuantityRule)
              .When(r.GetQuantity is null or < 1 or > MaxDealQuantity, "getQuantity", "Required with BUY_X_GET_Y: " + QuantityRule)
              .When(r.PercentOff is null or < 1 or > MaxPercentOff, "percentOff",
                $"Required with BUY_X_GET_Y: basis points off each discounted unit, 1 to {MaxPercentOff} ({MaxPercentOff} = free).")
              .When(r.MaxDiscountAmount is < 1 or > MaxAmount, "maxDiscountAmount", $"An amount in minor units from 1 to {MaxAmount}.")
              .When(r.DiscountAmount is not null, "discountAmount", only)
              .When(r.ThresholdAmount is not null, "thresholdAmount", only);
        return new Benefit(
            BenefitType.BuyXGetY, null, null, r.PercentOff, r.MaxDiscountAmount, BuyQuantity: r.BuyQuantity, GetQuantity: r.GetQuantity);
    }

    /// <summary>Every other type: buyQuantity and getQuantity are refused by name.</summary>
    public static void OnlyWithBuyXGetY(CreateTemplateRequest r, FieldErrors errors) =>
        errors.When(r.BuyQuantity is not null, "buyQuantity", "Only with BUY_X_GET_Y.")
              .When(r.GetQuantity is not null, "getQuantity", "Only with BUY_X_GET_Y.");
}
