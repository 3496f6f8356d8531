using System.Net;
using System.Text;
using Microsoft.Playwright;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.System.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace PromotionEngine.System.Tests.WebConsole;

/// <summary>
/// A distribution task's pause, resume and cancel buttons in a real browser, against the built Host on the embedded default. The Host
/// issues one row per chunk on one worker (Distribution:ChunkSize=1, Workers=1) and the file holds 200 000 users (minutes of work even on a fast machine), so the task is
/// still running, one committed chunk at a time, while the buttons are pressed: each press is the API's verb, and the page shows the
/// status the API then holds.
/// </summary>
public sealed class MerchantTaskControlConsole
{
    private static readonly LocatorAssertionsToBeVisibleOptions Patience = new() { Timeout = 30_000 };

    [Fact]
    public async Task A_merchant_pauses_resumes_and_cancels_a_running_task()
    {
        await using var host = await ConsoleHost.StartAsync(new Dictionary<string, string>
        {
            ["Distribution:ChunkSize"] = "1",
            ["Distribution:Workers"] = "1",
        });
        using var merchant = host.As(CallerRole.Merchant, "7");
        var template = (await merchant.CreateTemplateAsync(Api.ATemplate(DateTimeOffset.UtcNow, stock: 1_000_000, name: "大批量发放"))).Id();
        var file = Encoding.UTF8.GetBytes("userId\n" + string.Join("\n", Enumerable.Range(100_001, 200_000)) + "\n");
        var created = await merchant.PostAsync("/api/v1/merchant/distribution-tasks", Distributions.Form(template, file, name: "慢速任务"));
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode); // the file is imported, then issued, in the background
        var task = (await created.JsonAsync()).Str("id");
        async Task<string> StatusAsync() =>
            (await (await merchant.GetAsync($"/api/v1/merchant/distribution-tasks/{task}")).JsonAsync()).Str("status");

        await using var browser = await Browser.StartAsync();
        await using var context = await browser.NewContextAsync(host.BaseAddress);
        var page = await context.NewPageAsync();
        await ConsoleSteps.SignInAsMerchantAsync(page, "7");
        await page.GotoAsync($"/console/distribution/{task}");
        await Expect(page.Locator("h1")).ToHaveTextAsync("慢速任务");

        // Running (the page reloads itself when the status moves there): pause.
        var pause = page.GetByRole(AriaRole.Button, new() { Name = "暂停" });
        await Expect(pause).ToBeVisibleAsync(Patience);
        await Browser.AssertAccessibleAsync(page);
        await pause.ClickAsync();
        await Expect(page.Locator("[data-progress=statusText]")).ToHaveTextAsync("已暂停");
        await Expect(pause).ToHaveCountAsync(0);
        Assert.Equal("PAUSED", await StatusAsync());
        await Browser.AssertAccessibleAsync(page);
        await Browser.ScreenshotAsync(page, "21-task-paused");

        // Resume: running again, with the pause button back.
        await page.GetByRole(AriaRole.Button, new() { Name = "继续" }).ClickAsync();
        await Expect(page.Locator("[data-progress=statusText]")).ToHaveTextAsync("进行中");
        await Expect(pause).ToBeVisibleAsync();
        Assert.Equal("RUNNING", await StatusAsync());

        // Cancel: finished, no button left.
        await page.GetByRole(AriaRole.Button, new() { Name = "取消任务" }).ClickAsync();
        await Expect(page.Locator("[data-progress=statusText]")).ToHaveTextAsync("已取消");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "继续" })).ToHaveCountAsync(0);
        Assert.Equal("CANCELLED", await StatusAsync());
        await Browser.AssertAccessibleAsync(page);
    }
}
