using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Claims;

/// <summary>
/// The durable record of claims decided elsewhere (Redis). The database stays the truth: it re-checks
/// stock, per-user limits and duplicate keys, so a wrong or rebuilt cache can never over-issue.
/// </summary>
internal interface IClaimLedger
{
    /// <summary>Writes every claim of the batch in one transaction, or none of them (false) when any would break a rule.</summary>
    Task<bool> TryRecordAllAsync(IReadOnlyList<ClaimTicket> batch, CancellationToken ct);

    /// <summary>The issued count and each user's claims of a template, to rebuild a cache from.</summary>
    Task<ClaimCounts> CountsAsync(TemplateId template, CancellationToken ct);

    /// <summary>Each user's claims of a template in one period (day, week or month), to rebuild a cache of that period from.</summary>
    Task<IReadOnlyList<(long User, int Claimed)>> PeriodCountsAsync(TemplateId template, ClaimPeriod period, CancellationToken ct);
}

internal sealed record ClaimCounts(long Issued, IReadOnlyList<(long User, int Claimed)> PerUser);
