using System.Data.Common;
using System.Security.Cryptography;
using Dapper;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Kernel.Requests;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.Platform.Web;

/// <summary>The first answer to a keyed request; Status 0 while its change is committed but the answer is not recorded yet.</summary>
internal sealed record KeyedAnswer(string RequestHash, int Status, string? ContentType, string? Location, byte[]? Body, long CreatedAt)
{
    public bool Pending => Status == 0;
}

/// <summary>
/// The Idempotency-Key of every state-changing request that takes one with the common semantics, in host_keyed_requests
/// (the Host's, like the outbox: one table for every module). The request being served travels with the call (an async
/// local set by <see cref="KeyedRequestsMiddleware"/>), so a use case only says where its commit is: <see cref="ClaimAsync"/>.
/// </summary>
internal sealed class SqlKeyedRequests(IDatabase db, TimeProvider clock) : IKeyedRequests
{
    private static readonly AsyncLocal<Serving?> Current = new();

    /// <summary>The keyed request this async flow serves; Claimed once a commit carried its key.</summary>
    internal sealed class Serving(KeyedRequest request, bool takingOver)
    {
        public KeyedRequest Request { get; } = request;
        public bool TakingOver { get; } = takingOver;
        public bool Claimed { get; set; }

        /// <summary>
        /// False once the request is answered: work it started that outlives it (a Task.Run, a timer) captured this context, and
        /// must not claim the key.
        /// </summary>
        public bool Active { get; set; } = true;

        /// <summary>The transaction that carries the key: a second claim in it (a handler inside a replay) is the same claim.</summary>
        public WriteScope? ClaimedIn { get; set; }
    }

    public static Serving Begin(KeyedRequest request, bool takingOver) => Current.Value = new Serving(request, takingOver);

    public static void End()
    {
        if (Current.Value is { } serving) serving.Active = false;
        Current.Value = null;
    }

    public async Task ClaimAsync(WriteScope scope, CancellationToken ct)
    {
        if (Current.Value is not { Active: true } serving || ReferenceEquals(serving.ClaimedIn, scope)) return;
        if (serving.TakingOver)
        {
            serving.Claimed = true; // the key's row is there already, from the first request whose answer was lost
            return;
        }
        var request = serving.Request;
        try
        {
            await scope.Connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO host_keyed_requests (caller, idempotency_key, request_hash, status, content_type, location, body, created_at) " +
                "VALUES (@Caller, @Key, @Hash, 0, NULL, NULL, NULL, @At)",
                new { request.Caller, Key = request.Key.Value, Hash = request.RequestHash, At = UtcMillis.From(clock.GetUtcNow()) },
                scope.Transaction, cancellationToken: ct));
        }
        catch (DbException e) when (db.IsUniqueViolation(e))
        {
            throw new KeyedRequestTakenException($"Idempotency-Key {request.Key} of {request.Caller} was used by a concurrent request.");
        }
        // Only once the insert is in: a retried transaction claims again, and a rolled-back one leaves no row behind.
        serving.Claimed = true;
        serving.ClaimedIn = scope;
    }

    public async Task<KeyedAnswer?> FindAsync(string caller, IdempotencyKey key, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            "SELECT request_hash, status, content_type, location, body, created_at FROM host_keyed_requests WHERE caller = @Caller AND idempotency_key = @Key",
            new { Caller = caller, Key = key.Value }, cancellationToken: ct));
        return row is null ? null : new KeyedAnswer(row.RequestHash, (int)row.Status, row.ContentType, row.Location, row.Body, row.CreatedAt);
    }

    private sealed class Row
    {
        public string RequestHash { get; init; } = "";
        public long Status { get; init; }
        public string? ContentType { get; init; }
        public string? Location { get; init; }
        public byte[]? Body { get; init; }
        public long CreatedAt { get; init; }
    }

    /// <summary>
    /// Records the answer: over the pending row the change's commit left (Claimed), or as a new row (a success that changed
    /// nothing, or an endpoint with no transaction). False when another request's answer is recorded under the key instead.
    /// </summary>
    public async Task<bool> RecordAsync(KeyedRequest request, bool claimed, int status, string? contentType, string? location, byte[] body,
        CancellationToken ct)
    {
        var values = new
        {
            request.Caller, Key = request.Key.Value, Hash = request.RequestHash, Status = status, ContentType = contentType, Location = location,
            Body = body, At = UtcMillis.From(clock.GetUtcNow()),
        };
        await using var scope = await db.BeginWriteAsync(ct);
        // Claimed, the pending row is there (unless the claiming attempt was retried into one that changed nothing): complete it.
        if (claimed && await scope.Connection.ExecuteAsync(new CommandDefinition(
                "UPDATE host_keyed_requests SET status = @Status, content_type = @ContentType, location = @Location, body = @Body " +
                "WHERE caller = @Caller AND idempotency_key = @Key AND request_hash = @Hash AND status = 0",
                values, scope.Transaction, cancellationToken: ct)) == 1)
        {
            await scope.CommitAsync(ct);
            return true;
        }
        try
        {
            await scope.Connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO host_keyed_requests (caller, idempotency_key, request_hash, status, content_type, location, body, created_at) " +
                "VALUES (@Caller, @Key, @Hash, @Status, @ContentType, @Location, @Body, @At)",
                values, scope.Transaction, cancellationToken: ct));
        }
        catch (DbException e) when (db.IsUniqueViolation(e))
        {
            return false;
        }
        await scope.CommitAsync(ct);
        return true;
    }
}

/// <summary>
/// Idempotency-Key on the endpoints marked <see cref="AcceptsIdempotencyKey"/> (every state-changing request but claims,
/// template create, add-stock and task create, which keep their own): optional; malformed → 400 naming the header; the same
/// key with the same request → the first answer again (status, body, Location); with another request → 409
/// IDEMPOTENCY_KEY_REUSED. Keys are the caller's (a merchant's, a user's, a service's). Only successes (2xx) are
/// recorded: a refusal changed nothing, so a retry is decided afresh, as order operations and claims always were.
/// </summary>
internal sealed class KeyedRequestsMiddleware(RequestDelegate next, SqlKeyedRequests keys, ILogger<KeyedRequestsMiddleware> log)
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
            await WriteAsync(http, Problem.Invalid(new FieldErrors().Add(Header, $"1 to {IdempotencyKey.MaxLength} printable ASCII characters, sent once.")));
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
            if (!recorded && await keys.FindAsync(request.Caller, request.Key, ct) is { Pending: false } first && first.RequestHash == request.RequestHash)
            {
                // An identical request's answer was recorded first: every retry gets that one, so this caller does too.
                http.Response.Headers.Remove("Location");
                await ReplayAsync(http, first);
                return;
            }
            if (!recorded) log.LogWarning("The answer to {Caller}'s Idempotency-Key {Key} was not recorded: another request's is.", request.Caller, request.Key);
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
            await WriteAsync(http, Problem.For(new Refusal(RefusalKind.Conflict, "IDEMPOTENCY_KEY_REUSED",
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
        TypedResults.Problem(detail: problem.Detail, statusCode: problem.Status, title: problem.Code, type: problem.Type, extensions: problem.Extensions)
            .ExecuteAsync(http);
}

internal static class KeyedRequestsSetup
{
    public static IServiceCollection AddKeyedRequests(this IServiceCollection services)
    {
        services.AddSingleton<SqlKeyedRequests>();
        services.AddSingleton<IKeyedRequests>(sp => sp.GetRequiredService<SqlKeyedRequests>());
        services.Configure<Microsoft.AspNetCore.OpenApi.OpenApiOptions>("v1", o => o.AddOperationTransformer<KeyedRequestsDocumentation>());
        return services;
    }

    /// <summary>After authorization (a refused caller never reaches a key) and before the endpoint.</summary>
    public static IApplicationBuilder UseKeyedRequests(this IApplicationBuilder app) => app.UseMiddleware<KeyedRequestsMiddleware>();
}

/// <summary>The OpenAPI document says which operations take the Idempotency-Key header with the common rules.</summary>
internal sealed class KeyedRequestsDocumentation : Microsoft.AspNetCore.OpenApi.IOpenApiOperationTransformer
{
    public Task TransformAsync(Microsoft.OpenApi.OpenApiOperation operation, Microsoft.AspNetCore.OpenApi.OpenApiOperationTransformerContext context,
        CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<AcceptsIdempotencyKey>().Any())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new Microsoft.OpenApi.OpenApiParameter
            {
                Name = KeyedRequestsMiddleware.Header,
                In = Microsoft.OpenApi.ParameterLocation.Header,
                Required = false,
                Description = "Optional. The same key and request get the first answer again; another request under the key 409 IDEMPOTENCY_KEY_REUSED.",
                Schema = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String, MinLength = 1, MaxLength = IdempotencyKey.MaxLength },
            });
        }
        return Task.CompletedTask;
    }
}
