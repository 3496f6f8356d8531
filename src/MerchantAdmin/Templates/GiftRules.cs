using PromotionEngine.Contracts.Http.MerchantAdmin;
using PromotionEngine.Kernel.Validation;
using static PromotionEngine.MerchantAdmin.Templates.TemplateRules;

namespace PromotionEngine.MerchantAdmin.Templates;

/// <summary>
/// A GIFT template's gift (赠品): <see cref="Quantity"/> units of <see cref="Sku"/> at price 0 for an order whose lines in the coupon's
/// scope hold at least <see cref="MinQuantity"/> units (and reach the template's thresholdAmount, if any). Fixed at creation.
/// </summary>
internal sealed record GiftTerms(string Sku, int Quantity, int? MinQuantity);

/// <summary>
/// The rules of a GIFT benefit (docs/gifts.md): gift.sku 1 to <see cref="MaxGiftSkuLength"/> characters of letters, digits and
/// <c>- _ . / :</c>; gift.quantity 1 to <see cref="MaxGiftQuantity"/> (default 1); gift.minQuantity 1 to <see cref="MaxGiftMinQuantity"/>
/// (optional); gift.stock 1 to <see cref="MaxStock"/>; thresholdAmount optional. A gift takes no money off, so discountAmount,
/// percentOff and maxDiscountAmount are refused, and so is exclusive: a gift rides along with the order's discounts. Faults name
/// the gift's field (<c>gift.sku</c>).
/// </summary>
internal static class GiftRules
{
    public const int MaxGiftSkuLength = 64;
    public const int MaxGiftQuantity = 100;
    public const int MaxGiftMinQuantity = 10_000;

    public static Benefit BenefitFrom(CreateTemplateRequest r, FieldErrors errors)
    {
        const string noMoney = "Not with GIFT: a gift takes no money off (docs/gifts.md).";
        errors.When(r.DiscountAmount is not null, "discountAmount", noMoney)
              .When(r.PercentOff is not null, "percentOff", noMoney)
              .When(r.MaxDiscountAmount is not null, "maxDiscountAmount", noMoney)
              .When(r.ThresholdAmount is < 1 or > MaxAmount, "thresholdAmount", $"An amount in minor units from 1 to {MaxAmount}.")
              .When(r.Exclusive == true, "exclusive", "Not with GIFT: a gift combines with the order's discounts.");
        if (r.Gift is not { } gift)
        {
            errors.Add("gift", "Required with GIFT: sku, quantity, minQuantity and stock.");
            return new Benefit(BenefitType.Gift, null, r.ThresholdAmount, null, null);
        }
        var sku = gift.Sku?.Trim();
        errors.When(string.IsNullOrEmpty(sku) || sku.Length > MaxGiftSkuLength || !sku.All(IsSkuChar), "gift.sku",
                  $"1 to {MaxGiftSkuLength} letters, digits and - _ . / : (the gift's SKU).")
              .When(gift.Quantity is < 1 or > MaxGiftQuantity, "gift.quantity", $"A whole number from 1 to {MaxGiftQuantity} (default 1).")
              .When(gift.MinQuantity is < 1 or > MaxGiftMinQuantity, "gift.minQuantity", $"A whole number from 1 to {MaxGiftMinQuantity}, or absent.")
              .When(gift.Stock is null or < 1 or > MaxStock, "gift.stock", $"Required: a whole number from 1 to {MaxStock} (gifts in stock).");
        return new Benefit(BenefitType.Gift, null, r.ThresholdAmount, null, null, null,
            new GiftTerms(sku ?? "", gift.Quantity ?? 1, gift.MinQuantity));
    }

    /// <summary>The gift stock a new template starts with (0 for every other type).</summary>
    public static long StockOf(CreateTemplateRequest r, Benefit? benefit) => benefit?.Type == BenefitType.Gift ? r.Gift?.Stock ?? 0 : 0;

    private static bool IsSkuChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':';
}
