using PromotionEngine.Contracts.Http.MerchantAdmin;
using PromotionEngine.Kernel.Validation;
using PromotionEngine.MerchantAdmin.Templates;

namespace PromotionEngine.MerchantAdmin.Tests.Templates;

/// <summary>Valid create-template requests in the merchant's words; tests change one field with <c>with</c>.</summary>
internal static class ATemplateRequest
{
    /// <summary>5.00 CNY off anything on the platform, for 30 days from an hour ago, 100 coupons, one each.</summary>
    public static CreateTemplateRequest FixedAmountOnThePlatform(DateTimeOffset now) => new(
        Name: "Spring sale",
        Description: "5 off anything",
        Currency: "CNY",
        Scope: "PLATFORM",
        ShopId: null,
        ProductIds: null,
        CategoryIds: null,
        Type: "FIXED_AMOUNT",
        DiscountAmount: 500,
        ThresholdAmount: null,
        PercentOff: null,
        MaxDiscountAmount: null,
        ValidFrom: now - TimeSpan.FromHours(1),
        ValidUntil: now + TimeSpan.FromDays(30),
        ValidityAfterClaim: null,
        Stock: 100,
        PerUserLimit: 1);

    /// <summary>Spend 100.00, take 20.00 off.</summary>
    public static CreateTemplateRequest Threshold(DateTimeOffset now) =>
        FixedAmountOnThePlatform(now) with { Type = "THRESHOLD", DiscountAmount = 20_00, ThresholdAmount = 100_00 };

    /// <summary>15% off, at most 50.00.</summary>
    public static CreateTemplateRequest Percentage(DateTimeOffset now) =>
        FixedAmountOnThePlatform(now) with { Type = "PERCENTAGE", DiscountAmount = null, PercentOff = 1500, MaxDiscountAmount = 50_00 };

    public static CreateTemplateRequest InShop(DateTimeOffset now, long shopId) =>
        FixedAmountOnThePlatform(now) with { Scope = "SHOP", ShopId = shopId };

    public static CreateTemplateRequest OnProducts(DateTimeOffset now, params long[] productIds) =>
        FixedAmountOnThePlatform(now) with { Scope = "PRODUCTS", ProductIds = productIds };

    public static CreateTemplateRequest InCategories(DateTimeOffset now, params long[] categoryIds) =>
        FixedAmountOnThePlatform(now) with { Scope = "CATEGORIES", CategoryIds = categoryIds };
}

/// <summary>Runs the template rules and shows what they said, keyed by JSON field.</summary>
internal sealed record Validated(TemplateDefinition? Definition, IDictionary<string, string[]> Errors)
{
    public static Validated Of(CreateTemplateRequest request, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        var definition = TemplateDefinition.From(request, now, errors);
        return new Validated(definition, errors.ToDictionary());
    }

    /// <summary>The request is refused, and for exactly these fields.</summary>
    public void AssertRefusedOnly(params string[] fields)
    {
        Assert.Null(Definition);
        Assert.Equal(fields.Order(StringComparer.Ordinal), Errors.Keys.Order(StringComparer.Ordinal));
    }

    public TemplateDefinition AssertAccepted()
    {
        Assert.Empty(Errors);
        return Assert.IsType<TemplateDefinition>(Definition);
    }
}
