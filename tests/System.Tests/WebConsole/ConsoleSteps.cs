using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace PromotionEngine.System.Tests.WebConsole;

/// <summary>Steps the merchant's console tests share: signing in on the development sign-in, carrying the sign-in to another context.</summary>
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
        await to.AddCookiesAsync(signedIn.Select(c => new Cookie
        {
            Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path, HttpOnly = c.HttpOnly, Secure = c.Secure, SameSite = c.SameSite,
        }));
    }
}
