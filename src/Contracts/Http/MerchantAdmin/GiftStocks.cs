using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace PromotionEngine.Contracts.Http.MerchantAdmin;

/// <summary>POST /api/v1/merchant/templates/{id}/gift-stock: more gifts for a GIFT template.</summary>
public sealed record AddGiftStockRequest(
    [property: Required, Range(1, 1_000_000_000), Description("Gifts to add (the stock is at most 1 000 000 000 in all).")] long? Quantity);

/// <summary>
/// A GIFT template's gift stock (docs/gifts.md): stock, every gift added; given, gifts of consumed coupons' orders not returned by a
/// refund; reserved, gifts of locked coupons; remaining = stock − given − reserved (never below 0). Units of the gift.
/// </summary>
public sealed record GiftStockResponse(
    string TemplateId,
    string Sku,
    [property: Description("Units of the gift one qualifying order earns.")] int Quantity,
    [property: Description("The least units of the lines in scope an order must hold; null: any.")] int? MinQuantity,
    long Stock,
    long Given,
    long Reserved,
    long Remaining);
