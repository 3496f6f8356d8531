using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Distribution;

/// <summary>
/// A cache of the claim counters that must follow coupons issued outside the claim path (distribution).
/// The database is the truth; the cache may lag behind it (that never over-issues) but must never count a
/// grant twice (that would refuse claims wrongly).
/// </summary>
internal interface IClaimCounterCache
{
    /// <summary>
    /// The cache's current version of the template's counters, read before the issuing transaction commits; null when
    /// there is nothing to follow.
    /// </summary>
    Task<string?> VersionAsync(TemplateId template, CancellationToken ct);

    /// <summary>
    /// Adds grants that have committed, only if the counters are still at <paramref name="version"/> (a rebuild since
    /// then already read them).
    /// </summary>
    Task AddCommittedAsync(TemplateId template, string version, IReadOnlyList<UserId> users, CancellationToken ct);
}

/// <summary>The database gate keeps no cache.</summary>
internal sealed class NoClaimCounterCache : IClaimCounterCache
{
    public Task<string?> VersionAsync(TemplateId template, CancellationToken ct) => Task.FromResult<string?>(null);

    public Task AddCommittedAsync(TemplateId template, string version, IReadOnlyList<UserId> users, CancellationToken ct) => Task.CompletedTask;
}
