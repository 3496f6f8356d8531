using System.Globalization;
using PromotionEngine.Contracts.Http.MerchantAdmin;
using PromotionEngine.Kernel.Validation;
using static PromotionEngine.MerchantAdmin.Templates.TemplateRules;

namespace PromotionEngine.MerchantAdmin.Templates;

/// <summary>
/// A TIERED_THRESHOLD benefit (满100减10 / 满200减25 / 满300减40): 1 to <see cref="MaxTiers"/> tiers, each taking off less than its
/// threshold, strictly ascending in threshold and in discount, so a higher tier is always worth reaching. Faults name the tier's
/// field (<c>tiers[1].discountAmount</c>).
/// </summary>
internal static class TierRules
{
    public static Benefit BenefitFrom(CreateTemplateRequest r, FieldErrors errors)
    {
        const string only = "Not with TIERED_THRESHOLD: each tier has its own thresholdAmount and discountAmount.";
        errors.When(r.DiscountAmount is not null, "discountAmount", only)
              .When(r.ThresholdAmount is not null, "thresholdAmount", only)
              .When(r.PercentOff is not null, "percentOff", "Only with PERCENTAGE.")
              .When(r.MaxDiscountAmount is not null, "maxDiscountAmount", "Only with PERCENTAGE.");
        var tiers = new List<BenefitTier>();
        if (r.Tiers is null or { Count: 0 } || r.Tiers.Count > MaxTiers)
        {
            errors.Add("tiers", $"Required with TIERED_THRESHOLD: 1 to {MaxTiers} tiers.");
            return new Benefit(BenefitType.TieredThreshold, null, null, null, null, tiers);
        }
        var amountRule = $"An amount in minor units from 1 to {MaxAmount}.";
        BenefitTier? previous = null;
        for (var i = 0; i < r.Tiers.Count; i++)
        {
            var at = $"tiers[{i.ToString(CultureInfo.InvariantCulture)}]";
            if (r.Tiers[i] is not { } tier)
            {
                errors.Add(at, "A tier object: thresholdAmount and discountAmount.");
                previous = null;
                continue;
            }
            var badThreshold = tier.ThresholdAmount is null or < 1 or > MaxAmount;
            var badDiscount = tier.DiscountAmount is null or < 1 or > MaxAmount;
            errors.When(badThreshold, at + ".thresholdAmount", amountRule)
                  .When(badDiscount, at + ".discountAmount", amountRule);
            if (badThreshold || badDiscount)
            {
                previous = null;
                continue;
            }
            var current = new BenefitTier(tier.ThresholdAmount!.Value, tier.DiscountAmount!.Value);
            errors.When(current.DiscountAmount >= current.ThresholdAmount, at + ".discountAmount", "Less than the tier's thresholdAmount.");
            if (previous is not null)
            {
                errors.When(current.ThresholdAmount <= previous.ThresholdAmount, at + ".thresholdAmount",
                        $"Above the tier before it ({previous.ThresholdAmount}): tiers ascend.")
                      .When(current.DiscountAmount <= previous.DiscountAmount, at + ".discountAmount",
                        $"Above the tier before it ({previous.DiscountAmount}): a higher tier takes off more.");
            }
            tiers.Add(current);
            previous = current;
        }
        return new Benefit(BenefitType.TieredThreshold, null, null, null, null, tiers);
    }
}
