using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Playwright;
using PromotionEngine.Kernel.Identity;
using static Microsoft.Playwright.Assertions;

namespace PromotionEngine.System.Tests.WebConsole;

/// <summary>
/// The console in a real browser (Debian's Chromium), against the built Host started as a child process in Development on the
/// embedded default, as the README's first command starts it: a merchant signs in, creates a template (a refusal first, shown
/// beside the field, then correctly), watches the issued count move while users claim through the API, terminates it after
/// confirming, and reads the audit trail; axe-core finds nothing serious or critical on any page, on a desktop and a phone.
/// </summary>
public sealed class MerchantConsole
{
    private static readonly LocatorAssertionsToHaveTextOptions Patience = new() { Timeout = 30_000 };

    [Fact]
    public async Task A_merchant_creates_a_template_sees_it_claimed_and_terminates_it()
    {
        await using var host = await ConsoleHost.StartAsync();
        await using var browser = await Browser.StartAsync();
        await using var context = await browser.NewContextAsync(host.BaseAddress);
        var page = await context.NewPageAsync();

        // Not signed in: the console sends the browser to its sign-in page, in Chinese (the browser asks for zh-CN).
        await page.GotoAsync("/console");
        await Expect(page).ToHaveURLAsync(new global::System.Text.RegularExpressions.Regex("/console/sign-in"));
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await Expect(page.Locator(".dev-banner")).ToContainTextAsync("开发环境");
        await Browser.AssertAccessibleAsync(page);
        await Browser.ScreenshotAsync(page, "1-sign-in");
        await page.SelectOptionAsync("#role", "MERCHANT");
        await page.FillAsync("#id", "7");
        await page.Locator("main button[type=submit]").ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("优惠券模板");
        await Browser.AssertAccessibleAsync(page);

        // A refusal first: no stock. The API's field error is shown beside the stock field, the rest of the form kept.
        await page.GotoAsync("/console/templates/new");
        await Browser.AssertAccessibleAsync(page);
        await page.FillAsync("#name", "满减: 10 off 100");
        await page.SelectOptionAsync("#type", "THRESHOLD");
        await page.FillAsync("#discountAmount", "10.00");
        await page.FillAsync("#thresholdAmount", "100.00");
        await page.Locator("main button[type=submit]").ClickAsync();
        await Expect(page.Locator("#stock-error")).ToBeVisibleAsync();
        await Expect(page.Locator("#stock")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#name")).ToHaveValueAsync("满减: 10 off 100");
        await Browser.AssertAccessibleAsync(page);
        await Browser.ScreenshotAsync(page, "2-field-error");

        await page.FillAsync("#stock", "100");
        await page.Locator("main button[type=submit]").ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("满减: 10 off 100");
        await Expect(page.Locator("[data-figure=issued]")).ToHaveTextAsync("0");
        await Expect(page.Locator("dl.terms")).ToContainTextAsync("满 100.00 CNY 减 10.00 CNY");
        await Expect(page.Locator("dl.terms")).ToContainTextAsync("+08:00"); // the viewer's zone, with its offset
        var template = page.Url.Split('/')[^1].Split('?')[0];

        // Users claim through the API; the open page's issued count follows (polled), without a reload.
        using var api = host.Host.CreateClient(); // the claims' answers checked against the OpenAPI document, as every API client here
        foreach (var user in new[] { 1001, 1002, 1003 })
        {
            using var claim = new HttpRequestMessage(HttpMethod.Post, "/api/v1/claims")
            {
                Content = JsonContent.Create(new { templateId = template }),
            };
            var id = user.ToString(CultureInfo.InvariantCulture);
            claim.Headers.Authorization = new AuthenticationHeaderValue("Bearer", host.Token(CallerRole.User, id));
            claim.Headers.Add("Idempotency-Key", $"console-claim-{user}");
            Assert.Equal(HttpStatusCode.Created, (await api.SendAsync(claim)).StatusCode);
        }
        await Expect(page.Locator("[data-figure=issued]")).ToHaveTextAsync("3", Patience);
        await Browser.AssertAccessibleAsync(page);
        await Browser.ScreenshotAsync(page, "3-template");

        // Terminate: nothing happens until the box is ticked; then the status and the audit trail say so.
        await page.Locator("button.danger").ClickAsync();
        await Expect(page.Locator("#confirm-error")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-figure=status]")).ToHaveTextAsync("进行中");
        await page.CheckAsync("#confirm");
        var dayBefore = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await page.Locator("button.danger").ClickAsync();
        await Expect(page.Locator("[data-figure=status]")).ToHaveTextAsync("已终止");
        // The audit trail, oldest first as the API answers it: the creation, then the termination as a before/after diff.
        await Expect(page.Locator("article.history").First.Locator("h3")).ToContainTextAsync("创建");
        var terminated = page.Locator("article.history", new() { HasText = "终止" });
        await Expect(terminated.Locator("tbody tr")).ToHaveCountAsync(1); // only what changed: the time it was terminated
        await Expect(terminated.Locator("tbody tr th")).ToHaveTextAsync("terminatedAt");
        // The day it was terminated (UTC), either side of a midnight the run may cross.
        var dayAfter = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await Expect(terminated.Locator("tbody tr ins")).ToContainTextAsync(
            new global::System.Text.RegularExpressions.Regex($"{dayBefore}|{dayAfter}"));
        await Browser.AssertAccessibleAsync(page);

        // The list finds it by its name's start and status; in English when chosen, on a phone.
        await using var phone = await browser.NewContextAsync(host.BaseAddress, phone: true, locale: "en-US");
        await ConsoleSteps.CopySignInAsync(context, phone);
        var small = await phone.NewPageAsync();
        await small.GotoAsync("/console/templates?name=" + Uri.EscapeDataString("满减") + "&status=TERMINATED");
        await Expect(small.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(small.Locator("table.grid tbody")).ToContainTextAsync("满减: 10 off 100");
        await Expect(small.Locator("table.grid tbody")).ToContainTextAsync("3 / 100");
        await Browser.AssertAccessibleAsync(small);
        await Browser.ScreenshotAsync(small, "4-list-phone");
    }
}
