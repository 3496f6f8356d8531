using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using PromotionEngine.WebConsole.SignIn;

namespace PromotionEngine.WebConsole.Api;

/// <summary>One answer of the API: the value, or the problem it answered.</summary>
internal sealed record ApiAnswer<T>(T? Value, ApiProblem? Problem)
{
    public bool Ok => Problem is null;
}

/// <summary>
/// The public HTTP API, called with the signed-in person's token: the access token the authority issued (OpenID Connect), or on the
/// embedded default one signed with the data folder's key for the role and id picked at the development sign-in.
/// </summary>
internal sealed class ConsoleApi(
    IHttpClientFactory clients, ApiAddress address, IHttpContextAccessor accessor, ConsoleSignIn signIn)
{
    public const string ClientName = "console-api";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private string? _token;

    public Task<ApiAnswer<T>> GetAsync<T>(string path, CancellationToken ct) => SendAsync<T>(HttpMethod.Get, path, null, null, ct);

    public Task<ApiAnswer<T>> PostAsync<T>(string path, object? body, string? idempotencyKey, CancellationToken ct) =>
        SendAsync<T>(HttpMethod.Post, path, body, idempotencyKey, ct);

    private async Task<ApiAnswer<T>> SendAsync<T>(HttpMethod method, string path, object? body, string? idempotencyKey, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync());
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        using var client = clients.CreateClient(ClientName);
        client.BaseAddress = address.BaseAddress;
        using var response = await client.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
            return new ApiAnswer<T>(default, ApiProblem.Read((int)response.StatusCode, await response.Content.ReadAsStringAsync(ct)));
        return new ApiAnswer<T>(await response.Content.ReadFromJsonAsync<T>(Json, ct), null);
    }

    // --- Distribution and analytics pages: requests the typed calls above do not make (a streamed upload, a file download). ---

    /// <summary>
    /// Sends a request as built (a streamed multipart body, a download) with the caller's token and answers once the headers are in:
    /// the body is read by the caller, who disposes the answer. No client timeout: an upload lasts as long as the browser's.
    /// </summary>
    public async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, CancellationToken ct)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync());
        var client = clients.CreateClient(ClientName); // not disposed: the answer's body may still be streaming when this returns
        client.BaseAddress = address.BaseAddress;
        client.Timeout = Timeout.InfiniteTimeSpan;
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    /// <summary>PATCH with a body of the members given (a dictionary, so a member set to null is sent as null and one left out is not).</summary>
    public Task<ApiAnswer<T>> PatchAsync<T>(string path, IReadOnlyDictionary<string, object?> members, CancellationToken ct) =>
        SendAsync<T>(HttpMethod.Patch, path, members, null, ct);

    // --- end of the distribution and analytics block ---

    /// <summary>PUT (a campaign page sets a template's campaign and budget).</summary>
    public Task<ApiAnswer<T>> PutAsync<T>(string path, object body, CancellationToken ct) => SendAsync<T>(HttpMethod.Put, path, body, null, ct);

    private async Task<string> TokenAsync()
    {
        if (_token is not null) return _token;
        var http = accessor.HttpContext ?? throw new InvalidOperationException("The console calls the API only while serving a request.");
        var caller = ConsoleCaller.Of(http.User) ?? throw new InvalidOperationException("Nobody is signed in to the console.");
        _token = signIn.Mode == SignInMode.Development
            ? signIn.DevelopmentToken(caller.Role, ConsoleCaller.IdOf(http.User, caller))
            : await http.GetTokenAsync(ConsoleAuthentication.CookieScheme, "access_token")
                ?? throw new InvalidOperationException("The sign-in kept no access token.");
        return _token;
    }
}
