using System.Globalization;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.System.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace PromotionEngine.System.Tests.WebConsole;

/// <summary>
/// The templates list of a merchant with 10 000 templates (made through the API): the console's first page is 20 of them, newest
/// first, with a way to the next; the figures it reports (the page's time to first byte on loopback, i.e. the server's render with
/// its API call, and the API call alone) go to the test's output for docs/benchmarks.md. No timing is asserted.
/// </summary>
[Trait("Category", "Slow")] // 10 000 templates created over HTTP
public sealed class TemplatesListAtScale(UnlimitedConsoleApp fixture, ITestOutputHelper output) : IClassFixture<UnlimitedConsoleApp>
{
    private const int Templates = 10_000;

    [Fact]
    public async Task A_merchant_with_10000_templates_gets_the_first_page_of_the_list()
    {
        var merchantId = EngineApp.NewId().ToString(CultureInfo.InvariantCulture);
        var merchant = fixture.As(CallerRole.Merchant, merchantId);
        var ids = new string[Templates];
        await Parallel.ForAsync(0, Templates, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
            ids[i] = (await merchant.CreateTemplateAsync(
                Api.ATemplate(fixture.App.Clock.GetUtcNow(), name: "Scale " + i.ToString("D5", CultureInfo.InvariantCulture)))).Id());
        var newest = ids.Max(long.Parse).ToString(CultureInfo.InvariantCulture);

        await using var browser = await Browser.StartAsync();
        await using var context = await browser.NewContextAsync(fixture.BaseAddress, locale: "en-US");
        var page = await context.NewPageAsync();
        await page.GotoAsync("/console/sign-in");
        await page.SelectOptionAsync("#role", "MERCHANT");
        await page.FillAsync("#id", merchantId);
        await page.Locator("main button[type=submit]").ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Coupon templates");

        var pageTimes = new List<double>();
        for (var i = 0; i < 7; i++)
        {
            await page.GotoAsync("/console/templates");
            pageTimes.Add(await page.EvaluateAsync<double>(
                "() => { const n = performance.getEntriesByType('navigation')[0]; return n.responseStart - n.requestStart; }"));
        }
        await Expect(page.Locator("table.grid tbody tr")).ToHaveCountAsync(20);
        await Expect(page.Locator("table.grid tbody tr").First.Locator("a")).ToHaveAttributeAsync("href", $"/console/templates/{newest}");
        await page.Locator("nav.pager a[rel=next]").ClickAsync();
        await Expect(page.Locator("table.grid tbody tr")).ToHaveCountAsync(20);

        var apiTimes = new List<double>();
        for (var i = 0; i < 7; i++)
        {
            var watch = global::System.Diagnostics.Stopwatch.StartNew();
            using var answer = await merchant.GetAsync("/api/v1/merchant/templates?limit=20");
            answer.EnsureSuccessStatusCode();
            apiTimes.Add(watch.Elapsed.TotalMilliseconds);
        }
        output.WriteLine($"{Templates} templates; console /console/templates time to first byte (ms, 7 loads): "
            + $"{string.Join(", ", pageTimes.Select(Ms))}; median {Ms(Median(pageTimes))}");
        output.WriteLine($"API GET /api/v1/merchant/templates?limit=20 (ms, 7 calls): {string.Join(", ", apiTimes.Select(Ms))}; "
            + $"median {Ms(Median(apiTimes))}");
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static string Ms(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);
}
