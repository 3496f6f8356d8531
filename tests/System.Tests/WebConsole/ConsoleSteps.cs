using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using PromotionEngine.Contracts.Events.Orders.V1;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.System.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace PromotionEngine.System.Tests.WebConsole;

/// <summary>
/// Steps the merchant's console tests share: signing in on the development sign-in, carrying the sign-in to another context, submitting
/// a form, typing a time, watching an upload's progress, paying an order with a user's best coupon.
/// </summary>
public static class ConsoleSteps
{
    /// <summary>The development sign-in as MERCHANT with this id; lands on the templates list.</summary>
    public static async Task SignInAsMerchantAsync(IPage page, string merchantId)
    {
        await page.GotoAsync("/console/sign-in");
        await page.SelectOptionAsync("#role", "MERCHANT");
        await page.FillAsync("#id", merchantId);
        await page.Locator("main button[type=submit]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new global::System.Text.RegularExpressions.Regex("/console/templates"));
    }

    /// <summary>The sign-in cookie (not the language choice) of one browser context copied into another, e.g. a phone's.</summary>
    public static async Task CopySignInAsync(IBrowserContext from, IBrowserContext to)
    {
        var signedIn = (await from.CookiesAsync()).Where(c => c.Name != "promo-console-lang");
        await to.AddCookiesAsync(signedIn.Select(c => new Microsoft.Playwright.Cookie
        {
            Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path, HttpOnly = c.HttpOnly, Secure = c.Secure, SameSite = c.SameSite,
        }));
    }

    /// <summary>The main form's submit button pressed.</summary>
    public static Task SubmitAsync(IPage page) => page.Locator("main form button[type=submit]").ClickAsync();

    /// <summary>A moment as a datetime-local field in the console's zone (the browser's, Shanghai) takes it.</summary>
    public static string InShanghai(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"))
        .ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    /// <summary>
    /// From now on the upload progress bar's values are recorded as they change (in sessionStorage, which outlives a redirect), for
    /// <see cref="AssertUploadProgressRoseTo100Async"/>.
    /// </summary>
    public static Task RecordUploadProgressAsync(IPage page) => page.EvaluateAsync("""
        () => {
          const bar = document.querySelector('#upload-progress'), seen = [];
          new MutationObserver(() => { seen.push(bar.value); sessionStorage.setItem('upload-seen', JSON.stringify(seen)); })
            .observe(bar, { attributes: true, attributeFilter: ['value'] });
        }
        """);

    /// <summary>The recorded upload progress never went back and ended at 100.</summary>
    public static async Task AssertUploadProgressRoseTo100Async(IPage page)
    {
        var seen = await page.EvaluateAsync<double[]>("() => JSON.parse(sessionStorage.getItem('upload-seen') || '[]')");
        Assert.True(seen.Length > 0 && seen[^1] == 100 && seen.Zip(seen.Skip(1)).All(p => p.First <= p.Second),
            "The upload's bar went " + string.Join(", ", seen));
    }

    /// <summary>A quote for a 200.00 CNY cart with the user's best coupon, the order created from it and paid: the coupon is used.</summary>
    public static async Task PayWithTheBestCouponAsync(HttpClient service, long user)
    {
        var quoted = await service.PostAsJsonAsync("/api/v1/settlement/quotes", new
        {
            userId = user,
            currency = "CNY",
            lines = new[] { new { sku = "sku-1", shopId = 1, unitPrice = 20000, quantity = 1 } },
        });
        Assert.Equal(HttpStatusCode.OK, quoted.StatusCode);
        var quote = await quoted.JsonAsync();
        var order = "order-" + user.ToString(CultureInfo.InvariantCulture);
        var now = DateTimeOffset.UtcNow;
        await SendAsync(service, new OrderCreated(order, user, "CNY", quote.Str("quoteId"), null, null, now));
        await SendAsync(service, new PaymentSucceeded(order, "pay-" + order, quote.GetProperty("payable").GetInt64(), "CNY", now));
    }

    /// <summary>An order event through the settlement's ingestion endpoint (the embedded default has no order system's broker).</summary>
    private static async Task SendAsync<T>(HttpClient service, T payload) where T : IOrderEvent
    {
        var envelope = EventEnvelope.Create(payload, DateTimeOffset.UtcNow, payload.OrderId);
        var response = await service.PostAsJsonAsync(
            "/api/v1/settlement/order-events", new { envelope.EventId, envelope.Type, envelope.OccurredAt, envelope.Payload });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }
}
