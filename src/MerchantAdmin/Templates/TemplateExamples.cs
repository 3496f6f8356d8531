using System.Text.Json;
using PromotionEngine.Contracts.Http;
using PromotionEngine.Contracts.Http.MerchantAdmin;
using PromotionEngine.Kernel.Documentation;

namespace PromotionEngine.MerchantAdmin.Templates;

/// <summary>
/// The OpenAPI document's examples of the template endpoints: 会员日满100减20, a threshold template of merchant 7 whose discount
/// the platform subsidises by 30% (SPLIT, 3000 basis points; the merchant bears the rest); two per user, at most one a day of
/// Shanghai time.
/// </summary>
internal static class TemplateExamples
{
    public const string TemplateId = "384536415389614080";
    private static readonly DateTimeOffset ValidFrom = new(2026, 6, 18, 2, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset ValidUntil = new(2026, 7, 18, 2, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Created = new(2026, 6, 10, 3, 15, 42, TimeSpan.Zero);

    public static readonly CreateTemplateRequest Create = new(
        Name: "会员日满100减20", Description: "会员日专享：订单满100元立减20元，每人限领2张，每天限领1张。", Currency: "CNY", Scope: "PLATFORM", ShopId: null,
        ProductIds: null, CategoryIds: null, Type: "THRESHOLD", DiscountAmount: 2000, ThresholdAmount: 10000, PercentOff: null,
        MaxDiscountAmount: null, ValidFrom: ValidFrom, ValidUntil: ValidUntil, ValidityAfterClaim: "P7D", Stock: 100_000, PerUserLimit: 2,
        Funding: "SPLIT", PlatformShareBps: 3000, TimeZone: "Asia/Shanghai", PerUserDailyLimit: 1);

    public static readonly TemplateResponse Template = new(
        TemplateId, "7", "会员日满100减20", "会员日专享：订单满100元立减20元，每人限领2张，每天限领1张。", "CNY", "PLATFORM", null, [], [], "THRESHOLD", 2000, 10000,
        null, null, ValidFrom, ValidUntil, "P7D", 100_000, 2, "ACTIVE", 0, Created, Created, Funding: "SPLIT", PlatformShareBps: 3000,
        TimeZone: "Asia/Shanghai", PerUserDailyLimit: 1);

    public static readonly ApiExample Created201 = new("created", "A threshold template: 20.00 off orders of 100.00", 201, Template, Create);

    /// <summary>阶梯满减 满100减10 / 满200减25 / 满300减40: the highest tier the order reaches applies.</summary>
    public static readonly CreateTemplateRequest CreateTiered = Create with
    {
        Name = "满100减10 / 满200减25 / 满300减40",
        Description = "订单满100减10，满200减25，满300减40，取最高一档。",
        Type = "TIERED_THRESHOLD",
        DiscountAmount = null,
        ThresholdAmount = null,
        Funding = null,
        PlatformShareBps = null,
        Tiers = [new TierRequest(10000, 1000), new TierRequest(20000, 2500), new TierRequest(30000, 4000)],
    };

    public static readonly ApiExample CreatedTiered = new("created-tiered", "A tiered threshold template: the highest tier reached applies", 201,
        Template with
        {
            Id = "384536415389614085",
            Name = CreateTiered.Name!,
            Description = CreateTiered.Description!,
            Type = "TIERED_THRESHOLD",
            DiscountAmount = null,
            ThresholdAmount = null,
            Funding = "MERCHANT",
            PlatformShareBps = 0,
            Tiers = [new TierResponse(10000, 1000), new TierResponse(20000, 2500), new TierResponse(30000, 4000)],
        },
        CreateTiered);

    public static readonly ApiExample Repeated = new("repeated", "The same request again under its Idempotency-Key: the template as it is now",
        200, Template with { Issued = 1520, UpdatedAt = Created.AddHours(3) }, Create);

    public static readonly ApiExample Listed = new("active-templates", "The merchant's active templates, newest first", 200,
        new Page<TemplateResponse>([Template with { Issued = 1520 }], Kernel.Cursor.Encode(384536415389614080)),
        Parameters: new Dictionary<string, string> { ["status"] = "ACTIVE", ["limit"] = "20" });

    public static readonly ApiExample Found = new("template", "One template, with what it has issued", 200, Template with { Issued = 1520 },
        Parameters: new Dictionary<string, string> { ["id"] = TemplateId });

    public static readonly ApiExample Changed = new("renamed-and-extended", "A new name and a later end", 200,
        Template with { Name = "会员日满100减20（加赠场）", ValidUntil = ValidUntil.AddDays(14), Issued = 1520, UpdatedAt = Created.AddDays(2) },
        new ChangeTemplateRequest("会员日满100减20（加赠场）", null, ValidUntil.AddDays(14), null),
        new Dictionary<string, string> { ["id"] = TemplateId });

    public static readonly ApiExample StockAdded = new("added-stock", "50 000 more coupons", 200,
        Template with { Stock = 150_000, Issued = 1520, UpdatedAt = Created.AddDays(1) }, new AddStockRequest(50_000),
        new Dictionary<string, string> { ["id"] = TemplateId });

    public static readonly ApiExample Terminated = new("terminated", "Claims stop; coupons already claimed stay usable", 200,
        Template with { Status = "TERMINATED", Issued = 1520, UpdatedAt = Created.AddDays(3) },
        Parameters: new Dictionary<string, string> { ["id"] = TemplateId });

    public static readonly ApiExample History = new("history", "Created, then stock added", 200, new Page<TemplateHistoryEntry>(
        [
            new("384536415389614950", "ADD_STOCK", "merchant:7", Created.AddDays(1), Json("""{"stock": 100000}"""), Json("""{"stock": 150000}""")),
            new("384536415389614081", "CREATE", "merchant:7", Created, null,
                Json("""
                    {"name": "会员日满100减20", "type": "THRESHOLD", "discountAmount": 2000, "thresholdAmount": 10000, "stock": 100000,
                     "funding": "SPLIT", "platformShareBps": 3000, "timeZone": "Asia/Shanghai", "perUserDailyLimit": 1}
                    """)),
        ], null),
        Parameters: new Dictionary<string, string> { ["id"] = TemplateId });

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
