using System.Globalization;
using System.Text.Json;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.System.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace PromotionEngine.System.Tests.WebConsole;

/// <summary>
/// The merchant's analytics page in a real browser, against the built Host on the embedded default as <see cref="MerchantConsole"/>:
/// three users claim a template's coupons and two of them pay orders with them (quote, order-created, payment-succeeded through the
/// API); once the clearing report counts them, the page's per-day table, its totals and its charts' bars say exactly what the API's
/// activity report says, for the template and for the merchant; a time zone the API does not know is refused beside its field.
/// </summary>
public sealed class MerchantAnalyticsConsole
{
    private const string Zone = "Asia/Shanghai";

    [Fact]
    public async Task The_numbers_and_charts_a_merchant_sees_are_the_apis()
    {
        await using var host = await ConsoleHost.StartAsync();
        using var merchant = host.As(CallerRole.Merchant, "7");
        using var service = host.As(CallerRole.Service, "checkout");
        var template = (await merchant.CreateTemplateAsync(Api.ATemplate(DateTimeOffset.UtcNow, name: "满减 analytics"))).Id();
        foreach (var user in new[] { 5001L, 5002L, 5003L })
        {
            using var client = host.As(CallerRole.User, user.ToString(CultureInfo.InvariantCulture));
            await client.ClaimedCouponIdAsync(template);
        }
        foreach (var user in new[] { 5001L, 5002L }) await ConsoleSteps.PayWithTheBestCouponAsync(service, user);

        // The range: yesterday to tomorrow in Shanghai, so the claims' day is inside whatever the hour.
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        var range = $"from={today.AddDays(-1):yyyy-MM-dd}&to={today.AddDays(1):yyyy-MM-dd}";
        var url = $"/api/v1/merchant/analytics/activity?timeZone={Zone}&{range}&granularity=DAY&templateId={template}";
        var report = await Eventually(async () => await (await merchant.GetAsync(url)).JsonAsync(),
            r => r.GetProperty("totals").GetArrayLength() == 1 && Figure(r.GetProperty("totals")[0], "used") == 2
                && Figure(r.GetProperty("totals")[0], "discountGiven") == 2000,
            TimeSpan.FromSeconds(60), "the two paid orders to reach the clearing report");

        await using var browser = await Browser.StartAsync();
        await using var context = await browser.NewContextAsync(host.BaseAddress);
        var page = await context.NewPageAsync();
        await ConsoleSteps.SignInAsMerchantAsync(page, "7");
        await page.GotoAsync($"/console/analytics?template={template}&{range}&zone={Zone}");
        await Expect(page.Locator("h1")).ToHaveTextAsync("数据分析");
        await AssertPageShowsAsync(page, report);
        await Expect(page.Locator("table.per-day tfoot [data-figure=discount-CNY]")).ToHaveTextAsync("20.00 CNY");
        await Expect(page.Locator("svg[role=img]")).ToHaveCountAsync(3); // issued, used, discount in CNY
        await Browser.AssertAccessibleAsync(page);
        await Browser.ScreenshotAsync(page, "14-analytics");

        // The merchant as a whole (one template here): the same numbers, from the report without templateId.
        var all = await (await merchant.GetAsync($"/api/v1/merchant/analytics/activity?timeZone={Zone}&{range}&granularity=DAY")).JsonAsync();
        await page.GotoAsync($"/console/analytics?{range}&zone={Zone}");
        await AssertPageShowsAsync(page, all);

        // A zone the API does not know: its refusal beside the zone field.
        await page.FillAsync("#a-zone", "Beijing");
        await page.Locator("form.filters button[type=submit]").ClickAsync();
        await Expect(page.Locator("#a-zone-error")).ToBeVisibleAsync();
        await Expect(page.Locator("#a-zone")).ToHaveAttributeAsync("aria-invalid", "true");
        await Browser.AssertAccessibleAsync(page);

        // On a phone, in English.
        await using var phone = await browser.NewContextAsync(host.BaseAddress, phone: true, locale: "en-US");
        await ConsoleSteps.CopySignInAsync(context, phone);
        var small = await phone.NewPageAsync();
        await small.GotoAsync($"/console/analytics?template={template}&{range}&zone={Zone}");
        await Expect(small.Locator("h1")).ToHaveTextAsync("Analytics");
        await AssertPageShowsAsync(small, report);
        await Browser.AssertAccessibleAsync(small);
        await Browser.ScreenshotAsync(small, "8-analytics-phone");
    }

    /// <summary>Every day of the range in the table and under the charts' bars, and the totals, as the report has them.</summary>
    private static async Task AssertPageShowsAsync(Microsoft.Playwright.IPage page, JsonElement report)
    {
        var rows = report.GetProperty("rows").EnumerateArray().ToList();
        var from = DateOnly.Parse(report.Str("from"), CultureInfo.InvariantCulture);
        var to = DateOnly.Parse(report.Str("to"), CultureInfo.InvariantCulture);
        await Expect(page.Locator("table.per-day tbody tr")).ToHaveCountAsync(to.DayNumber - from.DayNumber + 1);
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var date = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var ofDay = rows.Where(r => r.Str("date") == date).ToList();
            var row = page.Locator($"table.per-day tbody tr[data-date='{date}']");
            foreach (var figure in new[] { "issued", "claimed", "distributed", "used" })
                await Expect(row.Locator($"[data-figure={figure}]")).ToHaveTextAsync(Count(ofDay.Sum(r => Figure(r, figure))));
            await Expect(page.Locator($"#chart-claims rect[data-date='{date}']"))
                .ToHaveAttributeAsync("data-value", ofDay.Sum(r => Figure(r, "issued")).ToString(CultureInfo.InvariantCulture));
            await Expect(page.Locator($"#chart-uses rect[data-date='{date}']"))
                .ToHaveAttributeAsync("data-value", ofDay.Sum(r => Figure(r, "used")).ToString(CultureInfo.InvariantCulture));
            await Expect(page.Locator($"#chart-discount-CNY rect[data-date='{date}']"))
                .ToHaveAttributeAsync("data-value", ofDay.Sum(r => Figure(r, "discountGiven")).ToString(CultureInfo.InvariantCulture));
        }
        var totals = report.GetProperty("totals").EnumerateArray().ToList();
        foreach (var figure in new[] { "issued", "claimed", "distributed", "used" })
            await Expect(page.Locator($"table.per-day tfoot [data-figure={figure}]")).ToHaveTextAsync(Count(totals.Sum(t => Figure(t, figure))));
    }

    private static long Figure(JsonElement row, string name) => row.GetProperty("figures").GetProperty(name).GetInt64();

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
