using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.System.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace PromotionEngine.System.Tests.WebConsole;

/// <summary>
/// Campaigns and audiences in a real browser, against the built Host on the embedded default as <see cref="MerchantConsole"/>: a
/// campaign is created (the API's refusal beside its field first) with a money budget, a template joins it, a paid order spends
/// from it and the page shows spent and remaining as the API does, then a new budget is set; an audience is created, a file of its
/// members uploaded with the progress bar rising to 100 %, and a rule audience shows the size the engine evaluated.
/// </summary>
public sealed class MerchantCampaignsConsole
{
    [Fact]
    public async Task A_merchant_creates_a_campaign_with_a_budget_adds_a_template_and_sees_what_is_spent_and_remains()
    {
        await using var host = await ConsoleHost.StartAsync();
        using var merchant = host.As(CallerRole.Merchant, "7");
        using var service = host.As(CallerRole.Service, "checkout");
        var template = (await merchant.CreateTemplateAsync(Api.ATemplate(DateTimeOffset.UtcNow, name: "满 100 减 10"))).Id();

        await using var browser = await Browser.StartAsync();
        await using var context = await browser.NewContextAsync(host.BaseAddress);
        var page = await context.NewPageAsync();
        await ConsoleSteps.SignInAsMerchantAsync(page, "7");
        await page.GetByRole(AriaRole.Link, new() { Name = "营销活动" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("营销活动");
        await Browser.AssertAccessibleAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "新建活动" }).Last.ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("新建活动");
        await Browser.AssertAccessibleAsync(page);

        // Claims closing before they open: the API's refusal beside the field, what was typed kept.
        await page.FillAsync("#name", "双11大促");
        await page.FillAsync("#validUntil", ConsoleSteps.InShanghai(DateTimeOffset.UtcNow.AddDays(-1)));
        await page.FillAsync("#perUserLimit", "3");
        await page.FillAsync("#budget", "5000.00");
        await page.FillAsync("#thresholds", "50, 100");
        await ConsoleSteps.SubmitAsync(page);
        await Expect(page.Locator("#validUntil-error")).ToBeVisibleAsync();
        await Expect(page.Locator("#validUntil")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#budget")).ToHaveValueAsync("5000.00");
        await Browser.AssertAccessibleAsync(page);

        await page.FillAsync("#validUntil", ConsoleSteps.InShanghai(DateTimeOffset.UtcNow.AddDays(20)));
        await ConsoleSteps.SubmitAsync(page);
        await Expect(page).ToHaveURLAsync(new global::System.Text.RegularExpressions.Regex(@"/console/campaigns/\d+\?created=1"));
        var campaign = page.Url.Split('/')[^1].Split('?')[0];
        await Expect(page.Locator("[data-budget=limit]")).ToHaveTextAsync("5,000.00 CNY");
        await Expect(page.Locator("[data-budget=remaining]")).ToHaveTextAsync("5,000.00 CNY");
        var created = await (await merchant.GetAsync($"/api/v1/merchant/campaigns/{campaign}")).JsonAsync();
        Assert.Equal((500_000L, "[50,100]", 3), (created.GetProperty("budget").GetProperty("limit").GetInt64(),
            created.GetProperty("budget").GetProperty("thresholds").GetRawText(), created.GetProperty("perUserLimit").GetInt32()));

        // The template joins; a user claims its coupon and pays with it: 10.00 CNY spent from the campaign's budget.
        await page.SelectOptionAsync("#templateToAdd", template);
        await page.GetByRole(AriaRole.Button, new() { Name = "加入活动" }).ClickAsync();
        await Expect(page.Locator("#campaign-templates-heading + p.notice")).ToHaveTextAsync("模板已加入活动。");
        await Expect(page.Locator("ul.campaign-templates")).ToContainTextAsync("满 100 减 10");
        var joined = await (await merchant.GetAsync($"/api/v1/merchant/templates/{template}/budget")).JsonAsync();
        Assert.Equal(campaign, joined.Str("campaignId"));
        using (var user = host.As(CallerRole.User, "6001")) await user.ClaimedCouponIdAsync(template);
        await ConsoleSteps.PayWithTheBestCouponAsync(service, 6001);
        var spent = await Polling.Eventually(async () => await (await merchant.GetAsync($"/api/v1/merchant/campaigns/{campaign}")).JsonAsync(),
            c => c.GetProperty("budget").GetProperty("spent").GetInt64() == 1000, TimeSpan.FromSeconds(30),
            "the paid order's discount to be spent");
        await page.GotoAsync($"/console/campaigns/{campaign}");
        await Expect(page.Locator("[data-budget=spent]")).ToHaveTextAsync(Money(spent, "spent"));
        await Expect(page.Locator("[data-budget=reserved]")).ToHaveTextAsync(Money(spent, "reserved"));
        await Expect(page.Locator("[data-budget=remaining]")).ToHaveTextAsync(Money(spent, "remaining"));
        await Expect(page.Locator("[data-budget=spent]")).ToHaveTextAsync("10.00 CNY");
        await Browser.AssertAccessibleAsync(page);
        await Browser.ScreenshotAsync(page, "18-campaign");

        // A lower budget: saved by the API, what was spent still counted.
        await page.FillAsync("#budget", "4000.00");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存预算" }).ClickAsync();
        await Expect(page.Locator("p.notice")).ToHaveTextAsync("预算已保存。");
        await Expect(page.Locator("[data-budget=limit]")).ToHaveTextAsync("4,000.00 CNY");
        await Expect(page.Locator("[data-budget=remaining]")).ToHaveTextAsync("3,990.00 CNY");
        var lowered = await (await merchant.GetAsync($"/api/v1/merchant/campaigns/{campaign}")).JsonAsync();
        Assert.Equal(400_000L, lowered.GetProperty("budget").GetProperty("limit").GetInt64());

        await page.GotoAsync("/console/campaigns");
        await Expect(page.Locator("table")).ToContainTextAsync("双11大促");
        await Browser.AssertAccessibleAsync(page);
    }

    [Fact]
    public async Task A_merchant_uploads_an_audiences_members_with_progress_and_sees_a_rule_audiences_size()
    {
        await using var host = await ConsoleHost.StartAsync();
        using var merchant = host.As(CallerRole.Merchant, "7");
        var template = (await merchant.CreateTemplateAsync(Api.ATemplate(DateTimeOffset.UtcNow, name: "新客券"))).Id();
        foreach (var id in new[] { "8001", "8002" })
        {
            using var user = host.As(CallerRole.User, id);
            await user.ClaimedCouponIdAsync(template);
        }

        await using var browser = await Browser.StartAsync();
        await using var context = await browser.NewContextAsync(host.BaseAddress);
        var page = await context.NewPageAsync();
        await ConsoleSteps.SignInAsMerchantAsync(page, "7");
        await page.GetByRole(AriaRole.Link, new() { Name = "目标人群" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("目标人群");
        await Browser.AssertAccessibleAsync(page);

        // No name: the API's refusal beside the name field.
        await page.GetByRole(AriaRole.Button, new() { Name = "创建人群" }).ClickAsync();
        await Expect(page.Locator("#name-error")).ToBeVisibleAsync();
        await Expect(page.Locator("#name")).ToHaveAttributeAsync("aria-invalid", "true");
        await Browser.AssertAccessibleAsync(page);
        await page.FillAsync("#name", "春季老客");
        await page.GetByRole(AriaRole.Button, new() { Name = "创建人群" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new global::System.Text.RegularExpressions.Regex(@"/console/audiences/\d+\?created=1"));
        var audience = page.Url.Split('/')[^1].Split('?')[0];
        await Expect(page.Locator("#audience-size")).ToHaveTextAsync("0");
        await Browser.AssertAccessibleAsync(page);

        // Ten users and a word: the bar's values are recorded as they change and must rise to 100.
        var rows = Enumerable.Range(4001, 10).Select(u => u.ToString(CultureInfo.InvariantCulture)).Append("bob");
        await page.SetInputFilesAsync("#file", new FilePayload
        {
            Name = "members.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes("userId\n" + string.Join("\n", rows) + "\n"),
        });
        await Browser.ScreenshotAsync(page, "19-audience-upload");
        await ConsoleSteps.RecordUploadProgressAsync(page);
        await page.Locator("form[data-upload] button[type=submit]").ClickAsync();
        await Expect(page.Locator("#file-result")).ToHaveTextAsync("文件已读取：11 行，新增 10 人，1 行无有效用户 ID。");
        await ConsoleSteps.AssertUploadProgressRoseTo100Async(page);
        await Expect(page.Locator("#audience-size")).ToHaveTextAsync("10");
        var uploaded = await (await merchant.GetAsync($"/api/v1/merchant/audiences/{audience}")).JsonAsync();
        Assert.Equal(10, uploaded.GetProperty("members").GetInt64());
        await Browser.AssertAccessibleAsync(page);

        // A rule audience: the users who claimed the template, evaluated before the answer.
        await page.GotoAsync("/console/audiences");
        await page.FillAsync("#name", "领过新客券");
        await page.SelectOptionAsync("#ruleKind", "CLAIMED_TEMPLATE");
        await page.FillAsync("#ruleTemplateId", template);
        await page.GetByRole(AriaRole.Button, new() { Name = "创建人群" }).ClickAsync();
        await Expect(page.Locator("#audience-size")).ToHaveTextAsync("2");
        await Expect(page.Locator("dl.terms")).ToContainTextAsync("领取过模板 #" + template);
        await Expect(page.Locator("#file")).ToHaveCountAsync(0); // a rule's members are the engine's, not uploaded
        await Browser.AssertAccessibleAsync(page);
        await page.GotoAsync("/console/audiences");
        await Expect(page.Locator("table tbody tr")).ToHaveCountAsync(2);
        await Browser.ScreenshotAsync(page, "20-audiences");
    }

    private static string Money(JsonElement campaign, string figure) =>
        (campaign.GetProperty("budget").GetProperty(figure).GetInt64() / 100m).ToString("N2", CultureInfo.InvariantCulture) + " CNY";
}
