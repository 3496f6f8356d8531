using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Contracts.Http.MerchantAdmin;
using PromotionEngine.MerchantAdmin.Templates;

namespace PromotionEngine.MerchantAdmin.Tests.Templates;

/// <summary>Where a coupon may be used: each scope has the fields it needs and refuses the others.</summary>
public class ScopingATemplate
{
    private readonly FakeTimeProvider _clock = new(Clocks.Start);

    private DateTimeOffset Now => _clock.GetUtcNow();

    private Validated Validate(CreateTemplateRequest request) => Validated.Of(request, Now);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("platform")]
    [InlineData("Shop")]
    [InlineData("STORE")]
    [InlineData("PRODUCT")]
    public void A_scope_is_one_of_the_four_wire_names(string? scope) =>
        Validate(ATemplateRequest.FixedAmountOnThePlatform(Now) with { Scope = scope }).AssertRefusedOnly("scope");

    [Fact]
    public void A_platform_coupon_names_no_shop_products_or_categories()
    {
        var platform = ATemplateRequest.FixedAmountOnThePlatform(Now);

        Validate(platform with { ShopId = 9 }).AssertRefusedOnly("shopId");
        Validate(platform with { ProductIds = [1] }).AssertRefusedOnly("productIds");
        Validate(platform with { CategoryIds = [1] }).AssertRefusedOnly("categoryIds");
        Validate(platform with { ShopId = 9, ProductIds = [1], CategoryIds = [1] }).AssertRefusedOnly("shopId", "productIds", "categoryIds");
    }

    [Fact]
    public void An_empty_list_for_another_scope_is_the_same_as_none()
    {
        var definition = Validate(ATemplateRequest.FixedAmountOnThePlatform(Now) with { ProductIds = [], CategoryIds = [] }).AssertAccepted();

        Assert.Equal(TemplateScope.Platform, definition.Scope.Kind);
    }

    [Fact]
    public void A_shop_coupon_names_its_shop()
    {
        var definition = Validate(ATemplateRequest.InShop(Now, shopId: 9)).AssertAccepted();

        Assert.Equal(TemplateScope.Shop, definition.Scope.Kind);
        Assert.Equal(9, definition.Scope.ShopId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0L)]
    [InlineData(-9L)]
    public void A_shop_coupon_needs_a_positive_shop_id(long? shopId) =>
        Validate(ATemplateRequest.InShop(Now, shopId: 9) with { ShopId = shopId }).AssertRefusedOnly("shopId");

    [Fact]
    public void A_shop_coupon_names_no_products_or_categories()
    {
        var shop = ATemplateRequest.InShop(Now, shopId: 9);

        Validate(shop with { ProductIds = [1] }).AssertRefusedOnly("productIds");
        Validate(shop with { CategoryIds = [1] }).AssertRefusedOnly("categoryIds");
    }

    [Fact]
    public void A_product_coupon_lists_its_products()
    {
        var definition = Validate(ATemplateRequest.OnProducts(Now, 11, 12, 13)).AssertAccepted();

        Assert.Equal(TemplateScope.Products, definition.Scope.Kind);
        Assert.Equal([11L, 12L, 13L], definition.Scope.ProductIds);
        Assert.Empty(definition.Scope.CategoryIds);
    }

    [Fact]
    public void A_category_coupon_lists_its_categories()
    {
        var definition = Validate(ATemplateRequest.InCategories(Now, 21, 22)).AssertAccepted();

        Assert.Equal(TemplateScope.Categories, definition.Scope.Kind);
        Assert.Equal([21L, 22L], definition.Scope.CategoryIds);
        Assert.Empty(definition.Scope.ProductIds);
    }

    public static TheoryData<long[]?> BadIdLists() =>
    [
        null,
        [],
        [0],
        [5, -1],
        [5, 6, 5],
        Enumerable.Range(1, TemplateRules.MaxListedIds + 1).Select(i => (long)i).ToArray(),
    ];

    [Theory]
    [MemberData(nameof(BadIdLists))]
    public void A_product_coupon_lists_one_to_1000_distinct_positive_ids(long[]? ids) =>
        Validate(ATemplateRequest.OnProducts(Now, 1) with { ProductIds = ids }).AssertRefusedOnly("productIds");

    [Theory]
    [MemberData(nameof(BadIdLists))]
    public void A_category_coupon_lists_one_to_1000_distinct_positive_ids(long[]? ids) =>
        Validate(ATemplateRequest.InCategories(Now, 1) with { CategoryIds = ids }).AssertRefusedOnly("categoryIds");

    [Fact]
    public void A_thousand_ids_are_allowed()
    {
        var thousand = Enumerable.Range(1, TemplateRules.MaxListedIds).Select(i => (long)i).ToArray();

        Validate(ATemplateRequest.OnProducts(Now, thousand)).AssertAccepted();
        Validate(ATemplateRequest.InCategories(Now, thousand)).AssertAccepted();
    }

    [Fact]
    public void A_product_coupon_names_no_shop_or_categories()
    {
        var products = ATemplateRequest.OnProducts(Now, 11);

        Validate(products with { ShopId = 9 }).AssertRefusedOnly("shopId");
        Validate(products with { CategoryIds = [21] }).AssertRefusedOnly("categoryIds");
    }

    [Fact]
    public void A_category_coupon_names_no_shop_or_products()
    {
        var categories = ATemplateRequest.InCategories(Now, 21);

        Validate(categories with { ShopId = 9 }).AssertRefusedOnly("shopId");
        Validate(categories with { ProductIds = [11] }).AssertRefusedOnly("productIds");
    }
}
