using System.Data.Common;
using Dapper;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Kernel.Requests;

namespace PromotionEngine.Platform.Web;

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
            "SELECT request_hash, status, content_type, location, body, created_at FROM host_keyed_requests " +
            "WHERE caller = @Caller AND idempotency_key = @Key",
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
