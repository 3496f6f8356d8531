using PromotionEngine.Kernel.Identity;
using PromotionEngine.System.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace PromotionEngine.System.Tests.WebConsole;

/// <summary>
/// Editing a template in a real browser, against the built Host on the embedded default as <see cref="MerchantConsole"/>: the form
/// offers what the API lets a merchant change; the API's refusal (claims may only close later) appears beside its field with the
/// rest of the form kept; a correct change is saved, sent as only the members that changed, and shows in the audit trail.
/// </summary>
public sealed class MerchantTemplateEditConsole
{
    [Fact]
    public async Task A_merchant_edits_a_template_seeing_the_apis_refusal_beside_the_field_first()
    {
        await using var host = await ConsoleHost.StartAsync();
        using var merchant = host.As(CallerRole.Merchant, "7");
        var template = (await merchant.CreateTemplateAsync(Api.ATemplate(DateTimeOffset.UtcNow, name: "Weekend 周末"))).Id();
        var before = await (await merchant.GetAsync($"/api/v1/merchant/templates/{template}")).JsonAsync();
        var validUntil = before.GetProperty("validUntil").GetDateTimeOffset();

        await using var browser = await Browser.StartAsync();
        await using var context = await browser.NewContextAsync(host.BaseAddress);
        var page = await context.NewPageAsync();
        await ConsoleSteps.SignInAsMerchantAsync(page, "7");
        await page.GotoAsync($"/console/templates/{template}");
        await page.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "编辑模板" }).ClickAsync();
        await Expect(page.Locator("#name")).ToHaveValueAsync("Weekend 周末");
        await Browser.AssertAccessibleAsync(page);

        // Claims closing a day earlier: the API refuses, beside the field; the new name typed meanwhile is kept, nothing saved.
        await page.FillAsync("#name", "Long weekend 长周末");
        await page.FillAsync("#validUntil", ConsoleSteps.InShanghai(validUntil.AddDays(-1)));
        await page.Locator("main button[type=submit]").ClickAsync();
        await Expect(page.Locator("#validUntil-error")).ToBeVisibleAsync();
        await Expect(page.Locator("#validUntil")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#problem")).ToContainTextAsync("VALID_UNTIL_NOT_EXTENDED");
        await Expect(page.Locator("#name")).ToHaveValueAsync("Long weekend 长周末");
        await Browser.AssertAccessibleAsync(page);
        await Browser.ScreenshotAsync(page, "15-edit-error");
        Assert.Equal("Weekend 周末", (await (await merchant.GetAsync($"/api/v1/merchant/templates/{template}")).JsonAsync()).Str("name"));

        // A week later and two per user: saved; the API has exactly that, and the audit trail shows the change.
        await page.FillAsync("#validUntil", ConsoleSteps.InShanghai(validUntil.AddDays(7)));
        await page.FillAsync("#perUserLimit", "2");
        await page.Locator("main button[type=submit]").ClickAsync();
        await Expect(page.Locator("p.notice")).ToHaveTextAsync("模板已修改。");
        var after = await (await merchant.GetAsync($"/api/v1/merchant/templates/{template}")).JsonAsync();
        Assert.Equal("Long weekend 长周末", after.Str("name"));
        Assert.Equal(2, after.GetProperty("perUserLimit").GetInt32());
        Assert.Equal(ConsoleSteps.InShanghai(validUntil.AddDays(7)), ConsoleSteps.InShanghai(after.GetProperty("validUntil").GetDateTimeOffset()));
        Assert.Equal(before.Str("description"), after.Str("description")); // not sent, so kept
        await page.GotoAsync($"/console/templates/{template}");
        var changed = page.Locator("article.history").Last; // oldest first: the creation, then the change
        await Expect(changed.Locator("h3")).ToContainTextAsync("修改 ·");
        await Expect(changed.Locator("tbody tr th")).ToHaveTextAsync(["name", "perUserLimit", "validUntil"]);
    }
}
