using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Audiences;

/// <summary>Stored audiences and their members (en_audiences, en_audience_members).</summary>
internal interface IAudiences
{
    Task AddAsync(Audience audience, WriteScope scope, CancellationToken ct);

    Task<Audience?> FindAsync(AudienceId id, CancellationToken ct);

    /// <summary>The merchant's audiences, newest first, after the cursor id.</summary>
    Task<IReadOnlyList<Audience>> ListAsync(MerchantId merchant, long? after, int limit, CancellationToken ct);

    /// <summary>
    /// Adds and removes members in the caller's transaction (a member added again, or a stranger removed, changes nothing) and
    /// keeps the audience's count; null when there is no such audience.
    /// </summary>
    Task<MembersChange?> ChangeMembersAsync(
        AudienceId id, IReadOnlyList<long> add, IReadOnlyList<long> remove, DateTimeOffset now, WriteScope scope, CancellationToken ct);

    /// <summary>Whether the user is a member of the merchant's audience, read in the claim's transaction (one primary-key probe).</summary>
    Task<bool> IsMemberAsync(AudienceId id, MerchantId merchant, UserId user, WriteScope scope, CancellationToken ct);

    /// <summary>The same probe outside a transaction (the Redis gate confirming a refusal of its copy).</summary>
    Task<bool> IsMemberAsync(AudienceId id, MerchantId merchant, UserId user, CancellationToken ct);

    /// <summary>Every member of the merchant's audience, streamed in user id order (a Redis copy is rebuilt from it).</summary>
    IAsyncEnumerable<long> MembersAsync(AudienceId id, MerchantId merchant, CancellationToken ct);
}

/// <summary>
/// Where the Redis claim gate keeps copies of audiences (beside each template's counters): told of every change after it
/// commits. The database gate reads the members' table itself and needs no copy (<see cref="NoAudienceCopies"/>).
/// </summary>
internal interface IAudienceCopies
{
    Task MembersChangedAsync(AudienceId id, IReadOnlyList<long> added, IReadOnlyList<long> removed, CancellationToken ct);
}

internal sealed class NoAudienceCopies : IAudienceCopies
{
    public Task MembersChangedAsync(AudienceId id, IReadOnlyList<long> added, IReadOnlyList<long> removed, CancellationToken ct) =>
        Task.CompletedTask;
}
