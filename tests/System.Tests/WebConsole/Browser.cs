using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace PromotionEngine.System.Tests.WebConsole;

/// <summary>
/// Debian's Chromium (apt, `scripts/services.sh start chromium`), started headless by the test itself through Playwright: Playwright's
/// own browser download fails on these machines, so it is pointed at the system binary (PROMO_CHROMIUM, else /usr/bin/chromium).
/// </summary>
public sealed class Browser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;

    private Browser(IPlaywright playwright, IBrowser chromium) => (_playwright, Chromium) = (playwright, chromium);

    public IBrowser Chromium { get; }

    public static string ExecutablePath => Environment.GetEnvironmentVariable("PROMO_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static async Task<Browser> StartAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException(
                $"Chromium is missing at {ExecutablePath}: the console's browser tests drive Debian's chromium. Install it with "
                + "`scripts/services.sh start chromium` (scripts/test.sh does), or point PROMO_CHROMIUM at a Chromium binary.");
        var playwright = await Playwright.CreateAsync();
        var chromium = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox"], // the tests may run as root, where Chromium's sandbox refuses to start
        });
        return new Browser(playwright, chromium);
    }

    /// <summary>A fresh profile: Chinese first in Accept-Language, the Shanghai time zone, a desktop or a phone viewport.</summary>
    public Task<IBrowserContext> NewContextAsync(Uri baseAddress, bool phone = false, string locale = "zh-CN") =>
        Chromium.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            Locale = locale,
            TimezoneId = "Asia/Shanghai",
            ViewportSize = phone ? new ViewportSize { Width = 390, Height = 844 } : new ViewportSize { Width = 1280, Height = 900 },
            IsMobile = phone,
            HasTouch = phone,
        });

    /// <summary>axe-core on the page as it is: no serious or critical violation, each listed with its nodes when there is one.</summary>
    public static async Task AssertAccessibleAsync(IPage page)
    {
        var result = await page.RunAxe();
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(bad.Count == 0, $"axe-core on {page.Url}:\n" + string.Join("\n", bad.Select(v =>
            $"{v.Impact} {v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html))}")));
    }

    /// <summary>A screenshot of the whole page into TestResults/console (docs/console.md shows a few of them).</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Infrastructure.Repository.PathOf("TestResults", "console");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    public async ValueTask DisposeAsync()
    {
        await Chromium.DisposeAsync();
        _playwright.Dispose();
    }
}
