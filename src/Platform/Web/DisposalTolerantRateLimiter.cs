using System.Threading.RateLimiting;

namespace PromotionEngine.Platform.Web;

/// <summary>
/// A partitioned limiter that survives the framework's idle clean-up. <c>PartitionedRateLimiter.Create</c> disposes a
/// partition's limiter once it has been idle, on a timer and outside its lock, so a request that took that limiter from the
/// table a moment before meets an <see cref="ObjectDisposedException"/> (dotnet/runtime#99865) and would answer 500. The
/// limiter was already out of the table by then: asking again gets the partition's new one. Only a few times, so a limiter
/// disposed for good (the host stopping) still says so.
/// </summary>
internal sealed class DisposalTolerantRateLimiter<TResource>(PartitionedRateLimiter<TResource> inner) : PartitionedRateLimiter<TResource>
{
    private const int Attempts = 3;

    public override RateLimiterStatistics? GetStatistics(TResource resource) => inner.GetStatistics(resource);

    protected override RateLimitLease AttemptAcquireCore(TResource resource, int permitCount)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return inner.AttemptAcquire(resource, permitCount);
            }
            catch (ObjectDisposedException) when (attempt < Attempts)
            {
                // the idle limiter was swapped out under us: the next attempt finds its replacement
            }
        }
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(TResource resource, int permitCount, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await inner.AcquireAsync(resource, permitCount, cancellationToken);
            }
            catch (ObjectDisposedException) when (attempt < Attempts)
            {
                // as above
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await inner.DisposeAsync();
        await base.DisposeAsyncCore();
    }
}
