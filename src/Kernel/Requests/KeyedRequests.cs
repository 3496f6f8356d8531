using PromotionEngine.Kernel.Identity;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Kernel.Requests;

/// <summary>
/// A state-changing request sent with an Idempotency-Key: whose key it is (keys are scoped per caller identity), the key,
/// and the hash of what was asked (method, path, query and body), which tells a retry from another request under the key.
/// </summary>
public sealed record KeyedRequest(string Caller, IdempotencyKey Key, string RequestHash)
{
    /// <summary>The scope a caller's keys live in: a merchant's or a user's id, or a service's or operator's subject.</summary>
    public static string ScopeOf(Caller caller) => caller.Role switch
    {
        CallerRole.Merchant => $"merchant:{caller.Merchant}",
        CallerRole.User => $"user:{caller.User}",
        _ => $"{caller.Role.ToString().ToLowerInvariant()}|{caller.Subject}",
    };
}

/// <summary>
/// The port by which a use case makes its change and the request's Idempotency-Key one commit: <see cref="ClaimAsync"/> in the
/// change's own transaction records the key (with the request hash) when the Host serves a keyed request, and does nothing
/// otherwise. The Host records the answer (status and body) as soon as it is written, and answers a retry with it; a change
/// whose commit carried the key is therefore never made twice, even by two identical requests at once.
/// </summary>
public interface IKeyedRequests
{
    /// <summary>
    /// Records the key of the request being served in <paramref name="scope"/>. Throws <see cref="KeyedRequestTakenException"/>
    /// when a concurrent request under the same key committed first: roll back, that request's answer is the answer.
    /// </summary>
    Task ClaimAsync(WriteScope scope, CancellationToken ct);
}

/// <summary>Endpoint metadata: this endpoint takes an optional Idempotency-Key with the Host's recorded-answer semantics.</summary>
public sealed class AcceptsIdempotencyKey
{
    public static readonly AcceptsIdempotencyKey Instance = new();

    private AcceptsIdempotencyKey() { }
}

/// <summary>
/// Endpoint metadata: the Idempotency-Key header is required here (claims: a claim without one is refused, so that a retry can
/// never claim twice). The OpenAPI document says so.
/// </summary>
public sealed class RequiresIdempotencyKey
{
    public static readonly RequiresIdempotencyKey Instance = new();

    private RequiresIdempotencyKey() { }
}

/// <summary>A concurrent request with the same Idempotency-Key committed its change first; this one must change nothing.</summary>
public sealed class KeyedRequestTakenException(string message) : Exception(message);
