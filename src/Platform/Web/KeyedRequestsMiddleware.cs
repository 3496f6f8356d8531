using System.Security.Cryptography;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.Kernel.Requests;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.Platform.Web;

/// <summary>
/// Idempotency-Key on the endpoints marked <see cref="AcceptsIdempotencyKey"/> (every state-changing request but claims,
/// template create, add-stock and task create, which keep their own): optional; malformed → 400 naming the header; the same
/// key with the same request → the first answer again (status, body, Location); with another request → 409
/// IDEMPOTENCY_KEY_REUSED. Keys are the caller's (a merchant's, a user's, a service's). Only successes (2xx) are
/// recorded: a refusal changed nothing, so a retry is decided afresh, as order operations and claims always were.
/// </summary>
internal sealed partial class KeyedRequestsMiddleware(RequestDelegate next, SqlKeyedRequests keys, ILogger<KeyedRequestsMiddleware> log)
{
    public const string Header = "Idempotency-Key";
    private static readonly TimeSpan PendingPatience = TimeSpan.FromSeconds(5);

    public async Task InvokeAsync(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<AcceptsIdempotencyKey>() is null || !http.Request.Headers.TryGetValue(Header, out var values))
        {
            await next(http);
            return;
        }
        var text = values.Count == 1 ? values[0] : null;
        if (!IdempotencyKey.IsValid(text))
        {
            await WriteAsync(http,
                Problem.Invalid(new FieldErrors().Add(Header, $"1 to {IdempotencyKey.MaxLength} printable ASCII characters, sent once.")));
            return;
        }
        if (Caller.From(http.User) is not { } caller)
        {
            await next(http); // the endpoint's policy refuses it
            return;
        }
        var request = new KeyedRequest(KeyedRequest.ScopeOf(caller), new IdempotencyKey(text!), await HashAsync(http.Request));
        var ct = http.RequestAborted;

        var takingOver = false;
        if (await keys.FindAsync(request.Caller, request.Key, ct) is { } earlier)
        {
            if (await AnswerAsync(http, request, earlier)) return;
            takingOver = true; // the first request committed but its answer was lost: this one answers (see AnswerAsync)
        }
        await RunAsync(http, request, takingOver);
    }

    private async Task RunAsync(HttpContext http, KeyedRequest request, bool takingOver)
    {
        var ct = http.RequestAborted;
        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        var serving = SqlKeyedRequests.Begin(request, takingOver);
        var lost = false;
        try
        {
            await next(http);
        }
        catch (KeyedRequestTakenException)
        {
            lost = true; // a concurrent request under the key committed first; ours rolled back
        }
        finally
        {
            SqlKeyedRequests.End();
            http.Response.Body = original;
        }
        if (lost)
        {
            http.Response.Clear();
            var winner = await keys.FindAsync(request.Caller, request.Key, ct) ?? throw new InvalidOperationException("A claimed key vanished.");
            if (!await AnswerAsync(http, request, winner)) await RunAsync(http, request, takingOver: true);
            return;
        }

        var status = http.Response.StatusCode;
        var body = buffer.ToArray();
        if (status is >= 200 and < 300)
        {
            // Not cancelled with the request: the change is committed, and an unrecorded answer only makes a retry wait.
            var recorded = await keys.RecordAsync(request, serving.Claimed || takingOver, status, http.Response.ContentType,
                http.Response.Headers.Location.FirstOrDefault(), body, CancellationToken.None);
            if (!recorded && await keys.FindAsync(request.Caller, request.Key, ct) is { Pending: false } first
                && first.RequestHash == request.RequestHash)
            {
                // An identical request's answer was recorded first: every retry gets that one, so this caller does too.
                http.Response.Headers.Remove("Location");
                await ReplayAsync(http, first);
                return;
            }
            if (!recorded) LogNotRecorded(log, request.Caller, request.Key);
        }
        await original.WriteAsync(body, ct);
    }

    /// <summary>
    /// Answers from the key's record: the first answer, 409 for another request, or — while the first request's answer is not
    /// recorded — waits for it. False when it never comes (the instance that made the change died between its commit and
    /// recording the answer): the caller runs the request again, which is safe because its change is committed and every
    /// endpoint that takes a key is idempotent by state (the same PATCH, pause, cancel, refund id … changes nothing again).
    /// </summary>
    private async Task<bool> AnswerAsync(HttpContext http, KeyedRequest request, KeyedAnswer earlier)
    {
        if (earlier.RequestHash != request.RequestHash)
        {
            await WriteAsync(http, Problem.For(new Refusal(ErrorCodes.IdempotencyKeyReused,
                "This Idempotency-Key was already used with a different request.", Header)));
            return true;
        }
        var deadline = DateTime.UtcNow + PendingPatience;
        var answer = earlier;
        while (answer.Pending && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, http.RequestAborted);
            answer = await keys.FindAsync(request.Caller, request.Key, http.RequestAborted) ?? answer;
        }
        if (answer.Pending) return false;
        await ReplayAsync(http, answer);
        return true;
    }

    private static async Task ReplayAsync(HttpContext http, KeyedAnswer answer)
    {
        http.Response.StatusCode = answer.Status;
        if (answer.ContentType is not null) http.Response.ContentType = answer.ContentType;
        if (answer.Location is not null) http.Response.Headers.Location = answer.Location;
        if (answer.Body is { Length: > 0 } body) await http.Response.Body.WriteAsync(body, http.RequestAborted);
    }

    /// <summary>SHA-256 of what was asked: method, path, query and the body's bytes.</summary>
    private static async Task<string> HashAsync(HttpRequest request)
    {
        request.EnableBuffering();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{request.Method}\n{request.PathBase}{request.Path}\n{request.QueryString}\n"));
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0) hash.AppendData(chunk, 0, read);
        request.Body.Position = 0;
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static Task WriteAsync(HttpContext http, Problem problem) =>
        TypedResults.Problem(
            detail: problem.Detail, statusCode: problem.Status, title: problem.Code, type: problem.Type, extensions: problem.Extensions)
            .ExecuteAsync(http);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The answer to {Caller}'s Idempotency-Key {Key} was not recorded: another request's is.")]
    private static partial void LogNotRecorded(ILogger logger, string caller, IdempotencyKey key);
}
