using PromotionEngine.Contracts.Http.MerchantAdmin;
using PromotionEngine.Kernel.Documentation;

namespace PromotionEngine.MerchantAdmin.Templates;

/// <summary>The OpenAPI document's examples of GIFT templates: 满199送试用装 (a sample with orders of 199.00 and 2 items).</summary>
internal static class GiftExamples
{
    public const string GiftTemplateId = "384536415389614090";

    public static readonly CreateTemplateRequest Create = TemplateExamples.Create with
    {
        Name = "满199送试用装",
        Description = "订单满199元且至少2件，赠送试用装1份，赠完即止。",
        Type = "GIFT",
        DiscountAmount = null,
        ThresholdAmount = 19900,
        Funding = null,
        PlatformShareBps = null,
        Gift = new GiftRequest("SAMPLE-50ML", 1, 2, 5000),
    };

    public static readonly ApiExample Created = new("created-gift", "A gift template: a sample with orders of 199.00 and at least 2 items", 201,
        TemplateExamples.Template with
        {
            Id = GiftTemplateId,
            Name = Create.Name!,
            Description = Create.Description!,
            Type = "GIFT",
            DiscountAmount = null,
            ThresholdAmount = 19900,
            Funding = "MERCHANT",
            PlatformShareBps = 0,
            Gift = new GiftResponse("SAMPLE-50ML", 1, 2, 5000),
        },
        Create);

    private static readonly GiftStockResponse Stock = new(GiftTemplateId, "SAMPLE-50ML", 1, 2, 5000, 1200, 35, 3765);

    public static readonly ApiExample StockAdded = new("gift-stock-added", "1 000 more gifts", 200,
        Stock with { Stock = 6000, Remaining = 4765 }, new AddGiftStockRequest(1000),
        new Dictionary<string, string> { ["id"] = GiftTemplateId });

    public static readonly ApiExample StockFound = new("gift-stock", "Gifts given, reserved by locked orders, and left", 200, Stock,
        Parameters: new Dictionary<string, string> { ["id"] = GiftTemplateId });
}
