using System.Threading.RateLimiting;

namespace PromotionEngine.Platform.Web;

/// <summary>
/// Failed authentications per client address (<see cref="RateLimitOptions.Unauthenticated"/>), spent by the bearer
/// handler's events.
/// </summary>
internal sealed class FailedAuthentications(RateLimitOptions options) : IDisposable
{
    private readonly PartitionedRateLimiter<HttpContext>? _limiter = options.Enabled && options.Unauthenticated.PermitLimit > 0
        ? new DisposalTolerantRateLimiter<HttpContext>(PartitionedRateLimiter.Create<HttpContext, string>(
            http => RateLimitPartition.GetFixedWindowLimiter(ClientAddress.KeyOf(http), _ => RateLimits.Window(options.Unauthenticated))))
        : null;

    /// <summary>Whether the address has failures left, spending none.</summary>
    public RateLimitLease Look(HttpContext http) => _limiter!.AttemptAcquire(http, 0);

    /// <summary>Counts one failed authentication against the request's address.</summary>
    public void Spend(HttpContext http)
    {
        if (_limiter is null) return;
        using var _ = _limiter.AttemptAcquire(http, 1);
    }

    public void Dispose() => _limiter?.Dispose();
}
