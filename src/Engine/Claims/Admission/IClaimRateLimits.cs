using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Claims.Admission;

/// <summary>
/// The per-user and per-address claim limits (<see cref="AdmissionOptions.PerUser"/>, <see cref="AdmissionOptions.PerIp"/>):
/// counted in Redis when claims use Redis, so every instance behind a gateway spends the same limit
/// (<c>RedisClaimRateLimits</c>), otherwise in this process (<see cref="InProcessClaimRateLimits"/>). Each claim asked about
/// counts against both.
/// </summary>
internal interface IClaimRateLimits
{
    /// <summary>The limit this claim goes over and when its window ends, or null when it is within both.</summary>
    Task<ClaimLimitRefusal?> RefusalAsync(UserId user, string? clientAddress, CancellationToken ct);

    /// <summary>
    /// The limits in force for this claim when the gate is to count them in its own call to the store they live in (so the
    /// claim costs one round trip, not two), or null when they are counted apart, by <see cref="RefusalAsync"/>.
    /// </summary>
    IReadOnlyList<CountedClaimLimit>? CountedByGate(UserId user, string? clientAddress);
}

/// <summary>
/// One limit for the gate to count with the claim: which it is (<see cref="ClaimLimitRefusal.PerUser"/> or
/// <see cref="ClaimLimitRefusal.PerIp"/>), the counter it is counted in, and at most <paramref name="Permits"/> claims per window.
/// </summary>
internal sealed record CountedClaimLimit(string Limit, string Counter, TimeSpan Window, int Permits);

/// <summary>Which limit refused (<see cref="PerUser"/> or <see cref="PerIp"/>), and how long until its window ends.</summary>
internal sealed record ClaimLimitRefusal(string Limit, TimeSpan RetryAfter)
{
    public const string PerUser = "user";
    public const string PerIp = "ip";
}
