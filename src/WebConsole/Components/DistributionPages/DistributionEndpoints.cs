using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using PromotionEngine.Contracts.Http.Distribution;
using PromotionEngine.WebConsole.Api;
using PromotionEngine.WebConsole.SignIn;
using PromotionEngine.WebConsole.Viewing;

namespace PromotionEngine.WebConsole.Components.DistributionPages;

/// <summary>
/// What the distribution pages ask of the console besides pages: the upload, passed on to the API's
/// POST /api/v1/merchant/distribution-tasks as it streams in (the console keeps no copy); a task's progress as JSON for the task
/// page's polling; the failures report, streamed from the API as CSV or .xlsx.
/// </summary>
internal static class DistributionEndpoints
{
    private const string ApiTasks = "/api/v1/merchant/distribution-tasks";

    /// <summary>
    /// The most the console passes on: the API's own limit for the request (Distribution:MaxFileBytes, 256 MiB by default, and 1 MiB for
    /// the rest of the form), as the gateway's (deploy/nginx/routes.conf). A larger configured MaxFileBytes needs both raised.
    /// </summary>
    private const long MaxUploadBytes = 256L * 1024 * 1024 + 1024 * 1024;

    public static void MapConsoleDistribution(this RouteGroupBuilder console)
    {
        console.MapPost("/distribution/tasks", UploadAsync).RequireAuthorization(ConsoleAuthentication.Policy)
            .WithMetadata(new RequireAntiforgeryTokenAttribute());
        console.MapGet("/distribution/{id}/progress", ProgressAsync).RequireAuthorization(ConsoleAuthentication.Policy);
        console.MapGet("/distribution/{id}/failures.{format:regex(^(csv|xlsx)$)}", FailuresAsync).RequireAuthorization(ConsoleAuthentication.Policy);
    }

    /// <summary>
    /// The upload form. The page's script sends it with XMLHttpRequest (for the progress bar) and the antiforgery token in a header, so
    /// the body is not read here but streamed to the API as it arrives; it wants JSON back: {location} or the API's problem. Without
    /// the script the browser posts the form itself: the antiforgery check has then read the form (ASP.NET keeps its file on disk),
    /// which is sent on as a new multipart body; the answer is a redirect to the task, or back to the page with the problem's code.
    /// </summary>
    private static async Task<IResult> UploadAsync(HttpContext http, ConsoleApi api, Viewer viewer, CancellationToken ct)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = MaxUploadBytes;
        var wantsJson = http.Request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase);
        using var request = new HttpRequestMessage(HttpMethod.Post, ApiTasks);
        var form = http.Features.Get<IFormFeature>()?.Form;
        if (form is null)
        {
            request.Content = new StreamContent(http.Request.Body, 64 * 1024);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(http.Request.ContentType ?? "application/octet-stream");
        }
        else request.Content = Rebuild(form, viewer.TimeZone);
        if (http.Request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } key) request.Headers.Add("Idempotency-Key", key);

        using var answer = await api.SendRawAsync(request, ct);
        var body = await answer.Content.ReadAsStringAsync(ct);
        if (answer.IsSuccessStatusCode)
        {
            var task = System.Text.Json.JsonSerializer.Deserialize<DistributionTaskResponse>(body, Json)!;
            var location = ConsolePaths.DistributionTask(task.Id);
            return wantsJson ? Results.Json(new { location }) : Results.Redirect(location);
        }
        if (wantsJson) return Results.Content(body, "application/problem+json", statusCode: (int)answer.StatusCode);
        var problem = ApiProblem.Read((int)answer.StatusCode, body);
        return Results.Redirect($"{ConsolePaths.Distribution}?refused={Uri.EscapeDataString(problem.Code)}");
    }

    /// <summary>A form the antiforgery check has read, as the multipart body the API takes; startAt typed in the viewer's zone.</summary>
    internal static MultipartFormDataContent Rebuild(IFormCollection form, TimeZoneInfo zone)
    {
        var content = new MultipartFormDataContent();
        foreach (var (name, values) in form)
        {
            if (name is "__RequestVerificationToken") continue;
            foreach (var value in values)
            {
                var text = value ?? "";
                if (name is "startAt" && Formats.FromLocalInput(text, zone) is { } at) text = at.ToString("O", CultureInfo.InvariantCulture);
                if (name is "startAt" && text.Length == 0) continue;
                content.Add(new StringContent(text), name);
            }
        }
        foreach (var file in form.Files)
        {
            var part = new StreamContent(file.OpenReadStream());
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Add(part, file.Name, file.FileName);
        }
        return content;
    }

    private static async Task<IResult> ProgressAsync(string id, ConsoleApi api, Viewer viewer, CancellationToken ct)
    {
        var answer = await api.GetAsync<DistributionTaskResponse>($"{ApiTasks}/{Uri.EscapeDataString(id)}", ct);
        if (answer.Value is not { } task) return Results.StatusCode(answer.Problem!.Status);
        return Results.Json(TaskProgress.Of(task, viewer));
    }

    /// <summary>The API's download, streamed through with its type and file name.</summary>
    private static async Task FailuresAsync(string id, string format, HttpContext http, ConsoleApi api, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{ApiTasks}/{Uri.EscapeDataString(id)}/failures?format={format}");
        using var answer = await api.SendRawAsync(request, ct);
        http.Response.StatusCode = (int)answer.StatusCode;
        if (answer.Content.Headers.ContentType is { } type) http.Response.ContentType = type.ToString();
        if (answer.Content.Headers.ContentDisposition is { } disposition) http.Response.Headers.ContentDisposition = disposition.ToString();
        await using var body = await answer.Content.ReadAsStreamAsync(ct);
        await body.CopyToAsync(http.Response.Body, ct);
    }

    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);
}
