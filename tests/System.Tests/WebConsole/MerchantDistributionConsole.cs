using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using MiniExcelLibs;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.System.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace PromotionEngine.System.Tests.WebConsole;

/// <summary>
/// The merchant's distribution pages in a real browser (Debian's Chromium), against the built Host in Development on the embedded
/// default, as <see cref="MerchantConsole"/>: a file with some bad rows is uploaded with its progress shown, the task page's progress
/// bar reaches 100 % without a reload, and the failure report downloads as CSV and .xlsx with exactly the bad rows; axe-core finds
/// nothing serious or critical on a desktop and a phone.
/// </summary>
public sealed class MerchantDistributionConsole
{
    private static readonly LocatorAssertionsToHaveTextOptions Patience = new() { Timeout = 60_000 };

    [Fact]
    public async Task A_merchant_uploads_a_file_watches_the_task_finish_and_downloads_its_failures()
    {
        await using var host = await ConsoleHost.StartAsync();
        using var merchant = host.As(CallerRole.Merchant, "7");
        var template = (await merchant.CreateTemplateAsync(Api.ATemplate(DateTimeOffset.UtcNow, name: "Spring push 春季"))).Id();

        await using var browser = await Browser.StartAsync();
        await using var context = await browser.NewContextAsync(host.BaseAddress);
        var page = await context.NewPageAsync();
        await ConsoleSteps.SignInAsMerchantAsync(page, "7");

        // 12 good users, a word, a negative id and a repeated user: three rows get no coupon.
        var rows = Enumerable.Range(3001, 12).Select(u => u.ToString(CultureInfo.InvariantCulture))
            .Concat(["alice", "-5", "3001"]).ToList();
        await page.GotoAsync($"/console/distribution?template={template}");
        await Expect(page.Locator("h1")).ToHaveTextAsync("定向发放");
        await Expect(page.Locator("#templateId")).ToHaveValueAsync(template);
        await Browser.AssertAccessibleAsync(page);

        // Without a file the API's field error comes back beside the file field, and nothing is created.
        await page.FillAsync("#name", "春季推送");
        await page.Locator("form[data-upload] button[type=submit]").ClickAsync();
        await Expect(page.Locator("#file-error")).ToBeVisibleAsync();
        await Expect(page.Locator("#file")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#upload-summary")).ToHaveTextAsync("部分字段需要修改。"); // every error is beside its field
        await Expect(page.Locator(".upload-progress")).ToBeHiddenAsync();
        await Browser.AssertAccessibleAsync(page);

        // The progress bar's values are recorded as they change (sessionStorage outlives the redirect to the task page).
        await page.SetInputFilesAsync("#file", new FilePayload
        {
            Name = "recipients.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes("userId\n" + string.Join("\n", rows) + "\n"),
        });
        await Expect(page.Locator("#file-error")).ToBeHiddenAsync(); // changed after the refusal: its error goes
        await ConsoleSteps.RecordUploadProgressAsync(page);
        await page.Locator("form[data-upload] button[type=submit]").ClickAsync();

        // The task page: its bar and figures follow the task (polled) until it has finished.
        await Expect(page).ToHaveURLAsync(new Regex("/console/distribution/[0-9]+$"));
        await Expect(page.Locator("h1")).ToHaveTextAsync("春季推送");
        await ConsoleSteps.AssertUploadProgressRoseTo100Async(page);
        await Expect(page.Locator("[data-progress=percentText]")).ToHaveTextAsync("100 %", Patience);
        await Expect(page.Locator("[data-progress=statusText]")).ToHaveTextAsync("已完成", Patience);
        await Expect(page.Locator("#task-progress")).ToHaveAttributeAsync("value", "100");
        await Expect(page.Locator("[data-progress=totalText]")).ToHaveTextAsync("15");
        await Expect(page.Locator("[data-progress=issuedText]")).ToHaveTextAsync("12");
        await Expect(page.Locator("[data-progress=failedText]")).ToHaveTextAsync("3");
        await Expect(page.Locator("table.failures tbody tr")).ToHaveCountAsync(3);
        await Expect(page.Locator("table.failures tbody tr").Last).ToContainTextAsync("重复的用户 (DUPLICATE_ROW)");
        await Expect(page.Locator("dl.terms")).ToContainTextAsync("+08:00");
        await Browser.AssertAccessibleAsync(page);
        await Browser.ScreenshotAsync(page, "13-task");

        // The failure report: the three bad rows (the header is row 1), as CSV and as a workbook.
        string[] expected = ["14,alice,INVALID_USER_ID", "15,-5,INVALID_USER_ID", "16,3001,DUPLICATE_ROW"];
        var csv = await page.RunAndWaitForDownloadAsync(() => page.Locator("#failures-csv").ClickAsync());
        Assert.EndsWith(".csv", csv.SuggestedFilename, StringComparison.Ordinal);
        var lines = (await File.ReadAllTextAsync(await csv.PathAsync())).TrimStart('\uFEFF')
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        // The CSV defuses a cell a spreadsheet would read as a formula ('-5); the workbook holds text as it was.
        Assert.Equal(["rowNumber,rawValue,reason", expected[0], "15,'-5,INVALID_USER_ID", expected[2]], lines);
        var xlsx = await page.RunAndWaitForDownloadAsync(() => page.Locator("#failures-xlsx").ClickAsync());
        Assert.EndsWith(".xlsx", xlsx.SuggestedFilename, StringComparison.Ordinal);
        var sheet = MiniExcel.Query(await xlsx.PathAsync(), useHeaderRow: true, excelType: ExcelType.XLSX).Cast<IDictionary<string, object>>()
            .Select(r => $"{Convert.ToInt64(r["rowNumber"], CultureInfo.InvariantCulture)},{r["rawValue"]},{r["reason"]}").ToList();
        Assert.Equal(expected, sheet);

        // A task for tomorrow 10:00 in the viewer's zone (Shanghai) waits, SCHEDULED, with no pause; cancelling it ends it.
        var finished = page.Url;
        var tomorrow = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)).AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await page.GotoAsync($"/console/distribution?template={template}");
        await page.FillAsync("#name", "明早推送");
        await page.FillAsync("#startAt", tomorrow + "T10:00");
        await page.CheckAsync("#notify-IN_APP");
        await page.SetInputFilesAsync("#file", new FilePayload
        {
            Name = "later.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes("uid\n4001\n4002\n"),
        });
        await Browser.ScreenshotAsync(page, "12-upload");
        await page.Locator("form[data-upload] button[type=submit]").ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("明早推送");
        await Expect(page.Locator("[data-progress=statusText]")).ToHaveTextAsync("待开始");
        await Expect(page.Locator("dl.terms")).ToContainTextAsync(tomorrow + " 10:00 +08:00");
        await Expect(page.Locator("dl.terms")).ToContainTextAsync("站内信");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "暂停" })).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "取消任务" }).ClickAsync();
        await Expect(page.Locator("p.notice")).ToHaveTextAsync("已取消");
        await Expect(page.Locator("[data-progress=statusText]")).ToHaveTextAsync("已取消");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "取消任务" })).ToHaveCountAsync(0);
        await Browser.AssertAccessibleAsync(page);

        // Without the page's script the browser posts the form itself: a refusal comes back as the page with the API's code, an
        // upload as a redirect to its task.
        await using var plain = await browser.Chromium.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = host.BaseAddress.ToString(), Locale = "zh-CN", TimezoneId = "Asia/Shanghai", JavaScriptEnabled = false,
        });
        await ConsoleSteps.CopySignInAsync(context, plain);
        var noScript = await plain.NewPageAsync();
        await noScript.GotoAsync($"/console/distribution?template={template}");
        await noScript.FillAsync("#name", "无脚本推送");
        await noScript.Locator("form[data-upload] button[type=submit]").ClickAsync();
        await Expect(noScript.Locator("p.error[role=alert]")).ToContainTextAsync("VALIDATION_FAILED");
        await noScript.FillAsync("#name", "无脚本推送");
        await noScript.SetInputFilesAsync("#file", new FilePayload
        {
            Name = "plain.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes("userId\n5001\n5002\n"),
        });
        await noScript.Locator("form[data-upload] button[type=submit]").ClickAsync();
        await Expect(noScript).ToHaveURLAsync(new Regex("/console/distribution/[0-9]+$"));
        await Expect(noScript.Locator("h1")).ToHaveTextAsync("无脚本推送");
        await Expect(noScript.Locator("dl.terms")).ToContainTextAsync("plain.csv");

        // The same task on a phone, in English.
        await using var phone = await browser.NewContextAsync(host.BaseAddress, phone: true, locale: "en-US");
        await ConsoleSteps.CopySignInAsync(context, phone);
        var small = await phone.NewPageAsync();
        await small.GotoAsync(finished);
        await Expect(small.Locator("[data-progress=statusText]")).ToHaveTextAsync("Finished");
        await Browser.AssertAccessibleAsync(small);
        await small.GotoAsync("/console/distribution");
        await Expect(small.Locator("table.grid tbody")).ToContainTextAsync("春季推送");
        await Expect(small.Locator("table.grid tbody")).ToContainTextAsync("15 / 15");
        await Browser.AssertAccessibleAsync(small);
    }
}
