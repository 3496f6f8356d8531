using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.System.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace PromotionEngine.System.Tests.WebConsole;

/// <summary>
/// The create form's other discount kinds in a real browser, against the built Host on the embedded default as
/// <see cref="MerchantConsole"/>: tiered thresholds (with the per-period limits, the limits' time zone and an audience), free
/// shipping, buy X get Y and a gift, each saved as the API holds it; the API's refusals of a tier and of a gift's SKU appear beside
/// those fields, the form keeping what was typed.
/// </summary>
public sealed class MerchantTemplateKindsConsole
{
    [Fact]
    public async Task A_merchant_creates_a_template_of_each_further_kind_seeing_the_apis_refusals_beside_the_fields()
    {
        await using var host = await ConsoleHost.StartAsync();
        using var merchant = host.As(CallerRole.Merchant, "7");
        var created = await merchant.PostAsJsonAsync("/api/v1/merchant/audiences", new { name = "VIP 会员" });
        var audience = (await created.JsonAsync()).Str("id");

        await using var browser = await Browser.StartAsync();
        await using var context = await browser.NewContextAsync(host.BaseAddress);
        var page = await context.NewPageAsync();
        await ConsoleSteps.SignInAsMerchantAsync(page, "7");

        // Tiered thresholds typed descending: the API's refusal of the second tier is shown beside the tiers, the rest kept.
        await page.GotoAsync("/console/templates/new");
        await Browser.AssertAccessibleAsync(page);
        await page.FillAsync("#name", "阶梯满减");
        await page.SelectOptionAsync("#type", "TIERED_THRESHOLD");
        await page.FillAsync("#tiers", "200.00 25.00\n100.00 10.00");
        await page.FillAsync("#stock", "100");
        await page.FillAsync("#perUserLimit", "3");
        await page.FillAsync("#perUserDailyLimit", "1");
        await page.FillAsync("#perUserWeeklyLimit", "2");
        await page.FillAsync("#perUserMonthlyLimit", "3");
        await page.FillAsync("#timeZone", "Asia/Shanghai");
        await page.SelectOptionAsync("#audienceId", audience);
        await ConsoleSteps.SubmitAsync(page);
        await Expect(page.Locator("#tiers-error")).ToContainTextAsync("tiers[1]");
        await Expect(page.Locator("#tiers")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#perUserDailyLimit")).ToHaveValueAsync("1");
        await Expect(page.Locator("#audienceId")).ToHaveValueAsync(audience);
        await Browser.AssertAccessibleAsync(page);
        await Browser.ScreenshotAsync(page, "16-tier-error");

        await page.FillAsync("#tiers", "100.00 10.00\n200.00 25.00");
        await ConsoleSteps.SubmitAsync(page);
        await Expect(page.Locator("dl.terms")).ToContainTextAsync("满 100.00 CNY 减 10.00 CNY；满 200.00 CNY 减 25.00 CNY");
        await Expect(page.Locator("dl.terms")).ToContainTextAsync("VIP 会员");
        var tiered = await TemplateOf(page, merchant);
        Assert.Equal("TIERED_THRESHOLD", tiered.Str("type"));
        Assert.Equal("""[{"thresholdAmount":10000,"discountAmount":1000},{"thresholdAmount":20000,"discountAmount":2500}]""",
            tiered.GetProperty("tiers").GetRawText());
        Assert.Equal((1, 2, 3), (tiered.GetProperty("perUserDailyLimit").GetInt32(), tiered.GetProperty("perUserWeeklyLimit").GetInt32(),
            tiered.GetProperty("perUserMonthlyLimit").GetInt32()));
        Assert.Equal("Asia/Shanghai", tiered.Str("timeZone"));
        Assert.Equal(audience, tiered.Str("audienceId"));
        await Browser.AssertAccessibleAsync(page);
        await Browser.ScreenshotAsync(page, "17-tiered-template");

        // Free shipping: at most 8.00 of the fee, from 50.00.
        await page.GotoAsync("/console/templates/new");
        await page.FillAsync("#name", "包邮");
        await page.SelectOptionAsync("#type", "FREE_SHIPPING");
        await page.FillAsync("#maxDiscountAmount", "8.00");
        await page.FillAsync("#thresholdAmount", "50.00");
        await page.FillAsync("#stock", "10");
        await ConsoleSteps.SubmitAsync(page);
        await Expect(page.Locator("dl.terms")).ToContainTextAsync("包邮");
        var shipping = await TemplateOf(page, merchant);
        Assert.Equal(("FREE_SHIPPING", 800L, 5000L),
            (shipping.Str("type"), shipping.GetProperty("maxDiscountAmount").GetInt64(), shipping.GetProperty("thresholdAmount").GetInt64()));

        // Buy two, get one free, on two products.
        await page.GotoAsync("/console/templates/new");
        await page.FillAsync("#name", "买二送一");
        await page.SelectOptionAsync("#type", "BUY_X_GET_Y");
        await page.FillAsync("#buyQuantity", "2");
        await page.FillAsync("#getQuantity", "1");
        await page.FillAsync("#percentOff", "100");
        await page.SelectOptionAsync("#scope", "PRODUCTS");
        await page.FillAsync("#productIds", "501, 502");
        await page.FillAsync("#stock", "10");
        await ConsoleSteps.SubmitAsync(page);
        await Expect(page.Locator("dl.terms")).ToContainTextAsync("买 2 件");
        var deal = await TemplateOf(page, merchant);
        Assert.Equal(("BUY_X_GET_Y", 2, 1, 10_000),
            (deal.Str("type"), deal.GetProperty("buyQuantity").GetInt32(), deal.GetProperty("getQuantity").GetInt32(),
                deal.GetProperty("percentOff").GetInt32()));

        // A gift whose SKU the API refuses (beside the SKU), then a good one.
        await page.GotoAsync("/console/templates/new");
        await page.FillAsync("#name", "满 99 送杯子");
        await page.SelectOptionAsync("#type", "GIFT");
        await page.FillAsync("#thresholdAmount", "99.00");
        await page.FillAsync("#giftSku", "mug #1");
        await page.FillAsync("#giftQuantity", "1");
        await page.FillAsync("#giftStock", "50");
        await page.FillAsync("#stock", "50");
        await ConsoleSteps.SubmitAsync(page);
        await Expect(page.Locator("#giftSku-error")).ToBeVisibleAsync();
        await Expect(page.Locator("#giftSku")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#giftStock")).ToHaveValueAsync("50");
        await Browser.AssertAccessibleAsync(page);
        await page.FillAsync("#giftSku", "MUG-01");
        await ConsoleSteps.SubmitAsync(page);
        await Expect(page.Locator("dl.terms")).ToContainTextAsync("MUG-01");
        var gift = (await TemplateOf(page, merchant)).GetProperty("gift");
        Assert.Equal(("MUG-01", 1, 50L), (gift.Str("sku"), gift.GetProperty("quantity").GetInt32(), gift.GetProperty("stock").GetInt64()));
    }

    /// <summary>The template the browser landed on after creating it, as the API holds it.</summary>
    private static async Task<JsonElement> TemplateOf(IPage page, HttpClient merchant)
    {
        await Expect(page).ToHaveURLAsync(new global::System.Text.RegularExpressions.Regex(@"/console/templates/\d+\?created=1"));
        var id = page.Url.Split('/')[^1].Split('?')[0];
        return await (await merchant.GetAsync($"/api/v1/merchant/templates/{id}")).JsonAsync();
    }
}
