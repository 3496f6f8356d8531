using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PromotionEngine.Contracts.Http.Clearing;
using PromotionEngine.Contracts.Http.MerchantAdmin;
using PromotionEngine.WebConsole.Api;
using PromotionEngine.WebConsole.SignIn;

namespace PromotionEngine.WebConsole.Components.Pages;

/// <summary>
/// A template's moving figures: issued and stock from the template, used from the clearing module's funnel over the last 366 UTC
/// days (its longest range; null when that report is not served). The detail page polls them (console.js) while it is open.
/// </summary>
internal static class TemplateFigures
{
    internal sealed record Figures(long Issued, long? Used, long Stock, string Status);

    public static void MapConsoleFigures(this RouteGroupBuilder console) =>
        console.MapGet("/templates/{id}/figures", async (string id, ConsoleApi api, CancellationToken ct) =>
        {
            var answer = await api.GetAsync<TemplateResponse>("/api/v1/merchant/templates/" + Uri.EscapeDataString(id), ct);
            if (answer.Value is not { } template) return Results.StatusCode(answer.Problem!.Status);
            return Results.Json(new Figures(template.Issued, await UsedAsync(api, template, ct), template.Stock, template.Status));
        }).RequireAuthorization(ConsoleAuthentication.Policy);

    public static async Task<long?> UsedAsync(ConsoleApi api, TemplateResponse template, CancellationToken ct)
    {
        var to = DateOnly.FromDateTime(DateTime.UtcNow);
        var created = DateOnly.FromDateTime(template.CreatedAt.UtcDateTime);
        var from = created > to.AddDays(-365) ? created : to.AddDays(-365);
        var funnel = await api.GetAsync<TemplateFunnelResponse>(
            $"/api/v1/merchant/analytics/templates/{Uri.EscapeDataString(template.Id)}/funnel?timeZone=UTC"
            + $"&from={from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}&to={to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}", ct);
        return funnel.Value?.Used;
    }
}
