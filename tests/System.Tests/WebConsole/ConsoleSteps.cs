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
/// Steps the merchant's console tests share: signing in on the development sign-in, carrying the sign-in to another context, paying an
/// order with a user's best coupon.
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
