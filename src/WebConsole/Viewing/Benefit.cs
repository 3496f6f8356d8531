using System.Globalization;
using PromotionEngine.Contracts.Http.MerchantAdmin;

namespace PromotionEngine.WebConsole.Viewing;

/// <summary>What a template takes off, in words and in its currency.</summary>
internal static class Benefit
{
    public static string Describe(TemplateResponse template, Texts text)
    {
        string M(long? minor) => minor is { } m ? Formats.Money(m, template.Currency) : "—";
        return template.Type switch
        {
            "FIXED_AMOUNT" => string.Format(CultureInfo.InvariantCulture, text["benefitFixed"], M(template.DiscountAmount)),
            "THRESHOLD" => string.Format(
                CultureInfo.InvariantCulture, text["benefitThreshold"], M(template.ThresholdAmount), M(template.DiscountAmount)),
            "PERCENTAGE" => string.Format(CultureInfo.InvariantCulture, text["benefitPercent"], Percent(template.PercentOff ?? 0))
                + (template.MaxDiscountAmount is { } max ? string.Format(CultureInfo.InvariantCulture, text["benefitCap"], M(max)) : "")
                + (template.ThresholdAmount is { } from ? string.Format(CultureInfo.InvariantCulture, text["benefitFrom"], M(from)) : ""),
            "TIERED_THRESHOLD" => string.Join(text["tierSeparator"], (template.Tiers ?? []).Select(tier =>
                string.Format(CultureInfo.InvariantCulture, text["benefitTier"], M(tier.ThresholdAmount), M(tier.DiscountAmount)))),
            "FREE_SHIPPING" => text["benefitFreeShipping"]
                + (template.MaxDiscountAmount is { } cap ? string.Format(CultureInfo.InvariantCulture, text["benefitShippingCap"], M(cap)) : "")
                + (template.ThresholdAmount is { } from ? string.Format(CultureInfo.InvariantCulture, text["benefitFrom"], M(from)) : ""),
            "BUY_X_GET_Y" => string.Format(CultureInfo.InvariantCulture, text["benefitBuyXGetY"], template.BuyQuantity, template.GetQuantity,
                    Percent(template.PercentOff ?? 0))
                + (template.MaxDiscountAmount is { } most ? string.Format(CultureInfo.InvariantCulture, text["benefitCap"], M(most)) : ""),
            "GIFT" when template.Gift is { } gift =>
                string.Format(CultureInfo.InvariantCulture, text["benefitGift"], gift.Sku, gift.Quantity)
                + (gift.MinQuantity is { } units ? string.Format(CultureInfo.InvariantCulture, text["benefitGiftMin"], units) : "")
                + (template.ThresholdAmount is { } least ? string.Format(CultureInfo.InvariantCulture, text["benefitFrom"], M(least)) : ""),
            _ => template.Type,
        };
    }

    /// <summary>Basis points as a percentage: 1500 → "15", 1250 → "12.5".</summary>
    public static string Percent(int basisPoints) => (basisPoints / 100m).ToString("0.##", CultureInfo.InvariantCulture);
}
