using PromotionEngine.Search.Querying;
using static PromotionEngine.Search.Tests.AnIndex;

namespace PromotionEngine.Search.Tests;

public sealed class FilteringTemplates : IDisposable
{
    private readonly AnIndex _index = new();

    [Fact]
    public void Filters_keep_only_the_merchant_scope_type_product_and_category_asked_for()
    {
        var shoes = ATemplate.Named("鞋类满减") with { MerchantId = 8 };
        var products = ATemplate.Named("单品立减").ForProducts(9001, 9002);
        var categories = ATemplate.Named("品类折扣").ForCategories(31) with { Type = "PERCENTAGE" };
        _index.With(shoes, products, categories);

        Assert.Equal([shoes.Id], _index.Ids(All with { Merchant = 8 }));
        Assert.Equal([products.Id], _index.Ids(All with { Scope = "PRODUCTS" }));
        Assert.Equal([categories.Id], _index.Ids(All with { Type = "PERCENTAGE" }));
        Assert.Equal([products.Id], _index.Ids(All with { Product = 9002 }));
        Assert.Equal([categories.Id], _index.Ids(All with { Category = 31 }));
        Assert.Empty(_index.Ids(All with { Product = 9003 }));
    }

    [Fact]
    public void Text_and_filters_combine()
    {
        var mine = ATemplate.Named("新人优惠券") with { MerchantId = 8 };
        _index.With(mine, ATemplate.Named("新人优惠券"), ATemplate.Named("会员日") with { MerchantId = 8 });

        Assert.Equal([mine.Id], _index.Ids(Text("优惠") with { Merchant = 8 }));
    }

    [Fact]
    public void Claimable_now_means_inside_the_window_and_neither_terminated_nor_ended()
    {
        var open = ATemplate.Named("open");
        var notStarted = ATemplate.Named("not started") with { ValidFrom = ATemplate.Now.AddMinutes(1) };
        var past = ATemplate.Named("past") with { ValidUntil = ATemplate.Now };
        var terminated = ATemplate.Named("terminated") with { TerminatedAt = ATemplate.Now.AddHours(-1) };
        var ended = ATemplate.Named("ended") with { Ended = true };
        _index.With(open, notStarted, past, terminated, ended);

        Assert.Equal([open.Id], _index.Ids(All with { ClaimableAt = ATemplate.Now }));
        Assert.Equal([ended.Id, terminated.Id, past.Id, notStarted.Id, open.Id], _index.Ids(All));
    }

    [Fact]
    public void A_template_whose_window_opens_becomes_claimable_without_any_event()
    {
        var soon = ATemplate.Named("soon") with { ValidFrom = ATemplate.Now.AddMinutes(5) };
        _index.With(soon);

        Assert.Empty(_index.Ids(All with { ClaimableAt = ATemplate.Now }));
        Assert.Equal([soon.Id], _index.Ids(All with { ClaimableAt = ATemplate.Now.AddMinutes(5) }));
    }

    public void Dispose() => _index.Dispose();
}

public sealed class ExposingTemplatesOnAPage : IDisposable
{
    private readonly AnIndex _index = new();

    private static ExposureQuery Page(long? product = null, long? shop = null, long? category = null) =>
        new(product, shop, category, ATemplate.Now, null, 100);

    [Fact]
    public void A_product_page_shows_platform_templates_and_those_naming_its_product_shop_or_category()
    {
        var platform = ATemplate.Named("平台券");
        var product = ATemplate.Named("单品券").ForProducts(9001);
        var otherProduct = ATemplate.Named("别的单品").ForProducts(9002);
        var shop = ATemplate.Named("店铺券").ForShop(501);
        var otherShop = ATemplate.Named("别的店").ForShop(502);
        var category = ATemplate.Named("品类券").ForCategories(31);
        _index.With(platform, product, otherProduct, shop, otherShop, category);

        Assert.Equal([category.Id, shop.Id, product.Id, platform.Id], _index.Exposed(Page(product: 9001, shop: 501, category: 31)));
        Assert.Equal([shop.Id, platform.Id], _index.Exposed(Page(shop: 501)));
    }

    [Fact]
    public void Only_templates_open_for_claims_now_are_shown()
    {
        var open = ATemplate.Named("open").ForShop(501);
        var terminated = ATemplate.Named("terminated").ForShop(501) with { TerminatedAt = ATemplate.Now };
        var later = ATemplate.Named("later").ForShop(501) with { ValidFrom = ATemplate.Now.AddDays(1) };
        _index.With(open, terminated, later);

        Assert.Equal([open.Id], _index.Exposed(Page(shop: 501)));
    }

    [Fact]
    public void A_terminate_event_takes_the_template_off_the_page()
    {
        var t = ATemplate.Named("店铺券").ForShop(501);
        _index.With(t);
        _index.With(t.Changed(x => x with { TerminatedAt = ATemplate.Now }));

        Assert.Empty(_index.Exposed(Page(shop: 501)));
    }

    public void Dispose() => _index.Dispose();
}
