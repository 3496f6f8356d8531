using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using PromotionEngine.Contracts.Http.Distribution;
using PromotionEngine.WebConsole.Api;
using PromotionEngine.WebConsole.Components.DistributionPages;
using PromotionEngine.WebConsole.SignIn;
using PromotionEngine.WebConsole.Viewing;

namespace PromotionEngine.WebConsole.Components.AudiencePages;

/// <summary>
/// An audience's member file, passed on to the API's POST /api/v1/merchant/audience-files/{id} as it streams in, as a distribution
/// upload is (<see cref="DistributionEndpoints"/>): the page's script sends it with its progress and gets {location} back, the
/// audience page with what the file did; without the script the form is posted and answered with a redirect.
/// </summary>
internal static class AudienceFileEndpoints
{
    /// <summary>The API's own limit for the request (Distribution:MaxFileBytes, 256 MiB by default, and 1 MiB of form), as for tasks.</summary>
    private const long MaxUploadBytes = 256L * 1024 * 1024 + 1024 * 1024;

    public static void MapConsoleAudienceFiles(this RouteGroupBuilder console) =>
        console.MapPost("/audiences/{id}/file", UploadAsync).RequireAuthorization(ConsoleAuthentication.Policy)
            .WithMetadata(new RequireAntiforgeryTokenAttribute());

    private static async Task<IResult> UploadAsync(string id, HttpContext http, ConsoleApi api, Viewer viewer, CancellationToken ct)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = MaxUploadBytes;
        var wantsJson = http.Request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/merchant/audience-files/" + Uri.EscapeDataString(id));
        var form = http.Features.Get<IFormFeature>()?.Form;
        if (form is null)
        {
            request.Content = new StreamContent(http.Request.Body, 64 * 1024);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(http.Request.ContentType ?? "application/octet-stream");
        }
        else request.Content = DistributionEndpoints.Rebuild(form, viewer.TimeZone);

        using var answer = await api.SendRawAsync(request, ct);
        var body = await answer.Content.ReadAsStringAsync(ct);
        if (answer.IsSuccessStatusCode)
        {
            var imported = System.Text.Json.JsonSerializer.Deserialize<AudienceFileResponse>(body, Json)!;
            // What the file did travels in the address (counts only): the page shows it above the audience's size.
            var location = string.Create(CultureInfo.InvariantCulture,
                $"{ConsolePaths.Audience(id)}?rows={imported.Rows}&added={imported.Added}&failed={imported.Failed}");
            return wantsJson ? Results.Json(new { location }) : Results.Redirect(location);
        }
        if (wantsJson) return Results.Content(body, "application/problem+json", statusCode: (int)answer.StatusCode);
        var problem = ApiProblem.Read((int)answer.StatusCode, body);
        return Results.Redirect($"{ConsolePaths.Audience(id)}?refused={Uri.EscapeDataString(problem.Code)}");
    }

    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);
}
