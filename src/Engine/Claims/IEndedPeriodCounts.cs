namespace PromotionEngine.Engine.Claims;

/// <summary>
/// The per-period claim counts whose periods are over: never read again (a claim counts in the period it falls in), so they are
/// deleted rather than kept growing by a row per user and template that once claimed.
/// </summary>
internal interface IEndedPeriodCounts
{
    /// <summary>
    /// Deletes up to <paramref name="limit"/> users' counts of a template whose periods all started before
    /// <paramref name="startedBefore"/>; how many went.
    /// </summary>
    Task<int> PurgeAsync(DateTimeOffset startedBefore, int limit, CancellationToken ct);
}
