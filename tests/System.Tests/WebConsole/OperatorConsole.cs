using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.System.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace PromotionEngine.System.Tests.WebConsole;

/// <summary>
/// The operators' console in a real browser (Debian's Chromium) against the engine in-process on a socket: a consumer fails until an
/// event is dead-lettered, the operator sees it with its error, replays it (after confirming) and it is delivered; user support finds
/// a claimed coupon, the settlement record of a paid order shows its money in its currency; the indexes page rebuilds. axe-core finds
/// nothing serious or critical on any page, on a desktop in Chinese and a phone in English.
/// </summary>
public sealed class OperatorConsole(OperatorConsoleApp fixture) : IClassFixture<OperatorConsoleApp>
{
    private static readonly LocatorAssertionsToContainTextOptions Patience = new() { Timeout = 30_000 };

    private static async Task<IPage> SignedInOperatorAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/console");
        await Expect(page).ToHaveURLAsync(new Regex("/console/sign-in"));
        await page.SelectOptionAsync("#role", "OPERATOR");
        await page.FillAsync("#id", "ops-1");
        await page.Locator("main button[type=submit]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/console/operations$"));
        return page;
    }

    [Fact]
    public async Task An_operator_sees_a_dead_letter_with_its_error_replays_it_and_it_is_delivered()
    {
        var merchant = fixture.As(CallerRole.Merchant, EngineApp.NewId().ToString(CultureInfo.InvariantCulture));
        var template = (await merchant.CreateTemplateAsync(Api.ATemplate(fixture.App.Clock.GetUtcNow()))).Id();
        await EffectsOfAsync(template, 1); // created and handled; from now on the consumer fails on this template
        var failing = true;
        fixture.Recorder.FailWhen = e => Volatile.Read(ref failing) && e.AggregateId == template;
        Assert.Equal(HttpStatusCode.OK,
            (await merchant.PatchAsJsonAsync($"/api/v1/merchant/templates/{template}", new { name = "Fails every time" })).StatusCode);
        var operatorApi = fixture.As(CallerRole.Operator, "ops-1");
        var letter = await Eventually(async () =>
        {
            var page = await (await operatorApi.GetAsync($"/api/v1/operator/dead-letters?consumer={EventRecorder.Consumer}&limit=100")).JsonAsync();
            return page.GetProperty("items").EnumerateArray()
                .Where(i => i.Str("aggregateId") == template && i.Str("type") == "template-changed").Select(i => i.Id()).FirstOrDefault();
        }, id => id is not null, Seconds(30), $"a dead letter for template-changed of {template}",
            between: () => fixture.App.Clock.Advance(TimeSpan.FromSeconds(1)));

        await using var browser = await Browser.StartAsync();
        await using var context = await browser.NewContextAsync(fixture.BaseAddress);
        var page = await SignedInOperatorAsync(context);

        // The backbone's figures and the dead letter with its error, in Chinese, times in the viewer's zone with the offset.
        await page.ReloadAsync(); // the browser's time zone is known from the first page on
        await Expect(page.Locator("h1")).ToHaveTextAsync("事件总线");
        await Expect(page.Locator("[data-figure=transport]")).ToHaveTextAsync("InProcess");
        var row = page.Locator($"tr[data-letter='{letter}']");
        await Expect(row.Locator(".last-error")).ToContainTextAsync("told to fail");
        await Expect(row).ToContainTextAsync("template-changed");
        await Expect(row).ToContainTextAsync(EventRecorder.Consumer);
        await Expect(row).ToContainTextAsync("+08:00");
        await Browser.AssertAccessibleAsync(page);
        await Browser.ScreenshotAsync(page, "5-dead-letter");

        // The consumer is fixed. Replaying needs the confirmation: without it nothing is replayed.
        Volatile.Write(ref failing, false);
        await page.CheckAsync($"#letter-{letter}");
        await page.Locator("#replay").ClickAsync();
        await Expect(page.Locator("#replay-confirm-error")).ToBeVisibleAsync();
        Assert.Single(await EffectsOfAsync(template, 1));
        await Browser.AssertAccessibleAsync(page);

        // With it, by keyboard: the letter is replayed, handled by its consumer (delivered: its effect is recorded) and closed.
        await page.CheckAsync($"#letter-{letter}");
        await page.Locator("#replay-confirm").FocusAsync();
        await page.Keyboard.PressAsync("Space");
        await page.Locator("#replay").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("p.notice")).ToContainTextAsync(letter!, Patience);
        await Expect(page.Locator($"tr[data-letter='{letter}']")).ToHaveCountAsync(0); // no longer open
        var effects = await EffectsOfAsync(template, 2);
        Assert.Equal(["template-created", "template-changed"], effects.Select(e => e.Envelope.Type));

        await page.GotoAsync("/console/operations?status=REPLAYED&consumer=" + EventRecorder.Consumer);
        await Expect(page.Locator($"tr[data-letter='{letter}'] .letter-status")).ToContainTextAsync("已重放");
        await Expect(page.Locator($"tr[data-letter='{letter}'] .letter-status")).ToContainTextAsync("+08:00");
        await Browser.AssertAccessibleAsync(page);
        await Browser.ScreenshotAsync(page, "6-replayed");

        // On a phone, in English.
        await using var phone = await PhoneAsync(browser, context);
        var small = await phone.NewPageAsync();
        await small.GotoAsync("/console/operations?status=ALL");
        await Expect(small.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Expect(small.Locator("h1")).ToHaveTextAsync("Event backbone");
        await Expect(small.Locator($"tr[data-letter='{letter}']")).ToContainTextAsync("Replayed");
        await Browser.AssertAccessibleAsync(small);
    }

    [Fact]
    public async Task An_operator_finds_a_users_claimed_coupon_the_settlement_record_of_its_order_and_rebuilds_the_indexes()
    {
        var merchant = fixture.As(CallerRole.Merchant, EngineApp.NewId().ToString(CultureInfo.InvariantCulture));
        var template = (await merchant.CreateTemplateAsync(Api.ATemplate(fixture.App.Clock.GetUtcNow()))).Id();
        var userId = EngineApp.NewId();
        var user = userId.ToString(CultureInfo.InvariantCulture);
        var claimed = await fixture.As(CallerRole.User, user).ClaimedCouponIdAsync(template);
        var kept = await fixture.As(CallerRole.User, user).ClaimedCouponIdAsync(
            (await merchant.CreateTemplateAsync(Api.ATemplate(fixture.App.Clock.GetUtcNow(), name: "Kept for later"))).Id());

        // The order system quotes, locks and pays an order with the first coupon (满 100 减 10 on 120.00 CNY).
        var service = fixture.As(CallerRole.Service, "order-service");
        var order = "ord-console-" + user;
        var quote = await (await service.PostAsJsonAsync("/api/v1/settlement/quotes", new
        {
            userId,
            currency = "CNY",
            lines = new object[] { new { sku = "tea-250g", shopId = 501, unitPrice = 6_000, quantity = 2 } },
            couponIds = new[] { long.Parse(claimed, CultureInfo.InvariantCulture) },
        })).JsonAsync();
        Assert.Equal(HttpStatusCode.OK, (await service.PostAsJsonAsync($"/api/v1/orders/{order}/coupons/lock",
            new { quoteId = quote.Str("quoteId"), ttlSeconds = 900 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.PostAsync($"/api/v1/orders/{order}/coupons/consume", null)).StatusCode);

        await using var browser = await Browser.StartAsync();
        await using var context = await browser.NewContextAsync(fixture.BaseAddress);
        var page = await SignedInOperatorAsync(context);

        // User support: the user's coupons, newest first, the used one linking to its order.
        await page.GetByRole(AriaRole.Link, new() { Name = "用户支持" }).ClickAsync();
        await page.FillAsync("#user", user);
        await page.Locator("#user").PressAsync("Enter");
        var used = page.Locator($"article[data-coupon='{claimed}']");
        await Expect(used.Locator(".coupon-status")).ToHaveTextAsync("已使用");
        await Expect(used).ToContainTextAsync(order);
        await Expect(used.Locator("ol.timeline")).ToContainTextAsync("+08:00");
        await Expect(page.Locator($"article[data-coupon='{kept}'] .coupon-status")).ToHaveTextAsync("可用");
        await Browser.AssertAccessibleAsync(page);
        await Browser.ScreenshotAsync(page, "7-user-support");

        // The coupon's history as the clearing journal recorded it (ingested from the events: it may trail, so the page is looked at
        // again until the spending is there): claimed, held, used, its discount spent in the template's currency.
        await used.Locator($"a[href='/console/operations/coupons/{claimed}']").ClickAsync();
        await Eventually(async () =>
        {
            await page.ReloadAsync();
            return await page.Locator("tr[data-movement=DISCOUNT_SPENT]").CountAsync();
        }, n => n > 0, Seconds(30), $"the clearing's DISCOUNT_SPENT of coupon {claimed}");
        await Expect(page.Locator("tr[data-movement]").First).ToHaveAttributeAsync("data-movement", "CLAIMED");
        await Expect(page.Locator("tr[data-movement=LOCKED]")).ToContainTextAsync(order);
        await Expect(page.Locator("tr[data-movement=CONSUMED]")).ToContainTextAsync("+08:00");
        await Expect(page.Locator("tr[data-movement=DISCOUNT_SPENT]")).ToContainTextAsync("10.00 CNY");
        await Browser.AssertAccessibleAsync(page);
        await Browser.ScreenshotAsync(page, "8-coupon-history");

        // Its order's settlement record: state, money in the order's currency, every step.
        await page.Locator("tr[data-movement=CONSUMED]").GetByRole(AriaRole.Link, new() { Name = order }).ClickAsync();
        await Expect(page.Locator("[data-figure=order-state]")).ToHaveTextAsync("CONSUMED");
        await Expect(page.Locator("[data-figure=discount-consumed]")).ToHaveTextAsync("10.00 CNY");
        await Expect(page.Locator("[data-figure=payable]")).ToHaveTextAsync("110.00 CNY");
        await Expect(page.Locator("table.steps tbody tr")).ToHaveCountAsync(2); // LOCK, CONSUME
        await Expect(page.Locator("table.steps")).ToContainTextAsync("CONSUME");
        await Browser.AssertAccessibleAsync(page);
        await Browser.ScreenshotAsync(page, "9-settlement-record");
        await page.GotoAsync("/console/operations/orders?order=no-such-order");
        await Expect(page.Locator("main p.error")).ToContainTextAsync("SETTLEMENT_NOT_FOUND");

        // The indexes: the search index is ready with the templates in it; the claim counters' rebuild waits for its confirmation,
        // then the API's answer is shown (this app decides claims in the database: there is no Redis cache to drop).
        await page.GotoAsync("/console/operations/indexes");
        await Expect(page.Locator("[data-figure=search-state]")).ToContainTextAsync("就绪");
        await page.Locator("#rebuild-search").ClickAsync();
        await Expect(page.Locator("p.notice")).ToContainTextAsync("重建已开始");
        await page.Locator("#rebuild-counters").ClickAsync();
        await Expect(page.Locator("#counters-confirm-error")).ToBeVisibleAsync();
        await page.CheckAsync("#counters-confirm");
        await page.Locator("#rebuild-counters").ClickAsync();
        await Expect(page.Locator("#counters-problem")).ToContainTextAsync("CLAIM_COUNTERS_NOT_CACHED");
        await Browser.AssertAccessibleAsync(page);
        await Browser.ScreenshotAsync(page, "10-indexes");

        // The same pages on a phone, in English.
        await using var phone = await PhoneAsync(browser, context);
        var small = await phone.NewPageAsync();
        await small.GotoAsync("/console/operations/users?user=" + user);
        await Expect(small.Locator($"article[data-coupon='{claimed}'] .coupon-status")).ToHaveTextAsync("Used");
        await Browser.AssertAccessibleAsync(small);
        await small.GotoAsync($"/console/operations/coupons/{claimed}");
        await Expect(small.Locator("tr[data-movement=DISCOUNT_SPENT]")).ToContainTextAsync("Discount spent");
        await Browser.AssertAccessibleAsync(small);
        await small.GotoAsync("/console/operations/orders?order=" + order);
        await Expect(small.Locator("[data-figure=payable]")).ToHaveTextAsync("110.00 CNY");
        await Browser.AssertAccessibleAsync(small);
        await Browser.ScreenshotAsync(small, "11-settlement-phone");
        await small.GotoAsync("/console/operations/indexes");
        await Browser.AssertAccessibleAsync(small);
    }

    /// <summary>A phone-sized English context signed in as the desktop one is (its cookies, not its language).</summary>
    private async Task<IBrowserContext> PhoneAsync(Browser browser, IBrowserContext signedIn)
    {
        var phone = await browser.NewContextAsync(fixture.BaseAddress, phone: true, locale: "en-US");
        await ConsoleSteps.CopySignInAsync(signedIn, phone);
        return phone;
    }

    private Task<IReadOnlyList<EventRecorder.Effect>> EffectsOfAsync(string aggregate, int count) =>
        Eventually(async () => (IReadOnlyList<EventRecorder.Effect>)(await EventRecorder.EffectsAsync(fixture.Database))
                .Where(e => e.Envelope.AggregateId == aggregate).ToList(),
            effects => effects.Count >= count, Seconds(30), $"{count} effects of {aggregate}");
}
