using System.Net.Http.Json;
using PromotionEngine.System.Tests.Infrastructure;

namespace PromotionEngine.System.Tests.Kinds;

/// <summary>包邮 over HTTP on every store: a FREE_SHIPPING template is stored and answered, and a quote shows the shipping line.</summary>
public abstract class FreeShippingTemplates(EngineApp app)
{
    private readonly HttpClient _merchant = app.AsMerchant(EngineApp.NewId());

    [Fact]
    public async Task A_quote_takes_the_shipping_fee_off_up_to_the_cap_on_its_shipping_line()
    {
        var now = app.Clock.GetUtcNow();
        var template = await _merchant.CreateTemplateAsync(new Dictionary<string, object?>
        {
            ["name"] = "包邮 满99", ["currency"] = "CNY", ["scope"] = "PLATFORM", ["type"] = "FREE_SHIPPING", ["maxDiscountAmount"] = 1000,
            ["thresholdAmount"] = 9900, ["validFrom"] = now.AddMinutes(-1), ["validUntil"] = now.AddDays(30), ["stock"] = 100, ["perUserLimit"] = 5,
        });
        Assert.Equal(("FREE_SHIPPING", 1000L), (template.Str("type"), template.GetProperty("maxDiscountAmount").GetInt64()));
        var userId = EngineApp.NewId();
        var coupon = await app.AsUser(userId).ClaimedCouponIdAsync(template.Id());

        var quote = await (await app.AsService().PostAsJsonAsync("/api/v1/settlement/quotes", new
        {
            userId,
            currency = "CNY",
            lines = new object[] { new { sku = "tea", shopId = 501, unitPrice = 12_000, quantity = 1 } },
            shippingFee = 1200,
        })).JsonAsync();

        var applied = Assert.Single(quote.GetProperty("applied").EnumerateArray());
        Assert.Equal((coupon, "SHIPPING", "FREE_SHIPPING", 1000L),
            (applied.Str("couponId"), applied.Str("slot"), applied.Str("type"), applied.GetProperty("discount").GetInt64()));
        var shipping = quote.GetProperty("shipping");
        Assert.Equal((1200L, 1000L, 200L), (shipping.GetProperty("fee").GetInt64(), shipping.GetProperty("discount").GetInt64(),
            shipping.GetProperty("payable").GetInt64()));
        Assert.Equal(coupon, Assert.Single(shipping.GetProperty("allocations").EnumerateArray()).Str("couponId"));
        Assert.Equal((1000L, 12_200L), (quote.GetProperty("totalDiscount").GetInt64(), quote.GetProperty("payable").GetInt64()));
        Assert.Equal(0, quote.GetProperty("lines")[0].GetProperty("discount").GetInt64());
    }
}

public sealed class FreeShippingTemplatesOnSqlite(SqliteApp app) : FreeShippingTemplates(app), IClassFixture<SqliteApp>;

public sealed class FreeShippingTemplatesOnMariaDb(MariaDbApp app) : FreeShippingTemplates(app), IClassFixture<MariaDbApp>;
