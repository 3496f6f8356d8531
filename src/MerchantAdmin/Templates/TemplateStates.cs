using PromotionEngine.Contracts.Events.MerchantAdmin.V1;

namespace PromotionEngine.MerchantAdmin.Templates;

/// <summary>
/// The one mapping of the template aggregate to a contract: its events' <see cref="TemplateState"/>. Every other copy of the
/// template's fields (the HTTP response, the pricing terms, the audit values, and through the events search's read model)
/// is built from the state, so a new field is added to the aggregate, to <see cref="TemplateState"/> (positional: the
/// compiler then points here) and to each copy's own mapping from the state. Architecture.Tests' TheTemplateFields fails
/// while a copy has neither the field nor a reason, in its allow-list, to leave it out.
/// </summary>
internal static class TemplateStates
{
    /// <summary>The template as stored now; <paramref name="version"/> is the row version the change wrote.</summary>
    public static TemplateState Of(CouponTemplate t, int version) => new(
        t.Id.Value, t.Merchant.Value, t.Name, t.Description, t.Currency, WireNames.Of(t.Scope.Kind), t.Scope.ShopId,
        t.Scope.ProductIds, t.Scope.CategoryIds, WireNames.Of(t.Benefit.Type), t.Benefit.DiscountAmount, t.Benefit.ThresholdAmount,
        t.Benefit.PercentOff, t.Benefit.MaxDiscountAmount, t.ValidFrom, t.ValidUntil,
        t.ValidityAfterClaim is { } v ? (long)v.TotalSeconds : null, t.Stock, t.PerUserLimit, t.TerminatedAt, version, t.CreatedAt, t.UpdatedAt,
        t.Exclusive, t.Priority, WireNames.Of(t.Funding), t.PlatformShareBps, t.PeriodLimits.TimeZone, t.PeriodLimits.PerUserDailyLimit,
        t.PeriodLimits.PerUserWeeklyLimit, t.PeriodLimits.PerUserMonthlyLimit,
        t.Benefit.Tiers?.Select(x => new TemplateTier(x.ThresholdAmount, x.DiscountAmount)).ToList(),
        t.Audience?.Value,
        t.Benefit.Gift is { } gift ? new TemplateGift(gift.Sku, gift.Quantity, gift.MinQuantity, t.GiftStock) : null,
        t.Benefit.BuyQuantity, t.Benefit.GetQuantity);
}
