using System.Threading.RateLimiting;
using PromotionEngine.Platform.Web;

namespace PromotionEngine.Platform.Tests.Web;

/// <summary>
/// The framework's partitioned limiter disposes a partition's limiter once it has been idle, on a timer, outside its lock: a
/// request that took that limiter from the table a moment before then meets an ObjectDisposedException (dotnet/runtime#99865),
/// which reached a caller as a 500. <see cref="DisposalTolerantRateLimiter{TResource}"/> asks again, and gets the new limiter.
/// </summary>
public class SurvivingAnIdlePartitionsDisposal
{
    [Fact]
    public void An_attempt_that_meets_a_disposed_limiter_asks_again_and_gets_the_new_ones_answer()
    {
        using var inner = new DisposedOnce();
        using var limiter = new DisposalTolerantRateLimiter<string>(inner);

        using var lease = limiter.AttemptAcquire("10.0.0.1", 1);

        Assert.True(lease.IsAcquired);
        Assert.Equal(2, inner.Attempts);
    }

    [Fact]
    public async Task A_wait_that_meets_a_disposed_limiter_asks_again_and_gets_the_new_ones_answer()
    {
        using var inner = new DisposedOnce();
        using var limiter = new DisposalTolerantRateLimiter<string>(inner);

        using var lease = await limiter.AcquireAsync("10.0.0.1", 1);

        Assert.True(lease.IsAcquired);
        Assert.Equal(2, inner.Attempts);
    }

    [Fact]
    public void A_limiter_disposed_for_good_is_not_asked_forever()
    {
        using var inner = new DisposedOnce(timesDisposed: int.MaxValue);
        using var limiter = new DisposalTolerantRateLimiter<string>(inner);

        Assert.Throws<ObjectDisposedException>(() => limiter.AttemptAcquire("10.0.0.1", 1));
        Assert.InRange(inner.Attempts, 2, 5);
    }

    [Fact]
    public void Refusals_and_statistics_are_the_inner_limiters()
    {
        using var inner = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = 1, Window = TimeSpan.FromHours(1), QueueLimit = 0 }));
        using var limiter = new DisposalTolerantRateLimiter<string>(inner);

        using var first = limiter.AttemptAcquire("10.0.0.1", 1);
        using var second = limiter.AttemptAcquire("10.0.0.1", 1);

        Assert.True(first.IsAcquired);
        Assert.False(second.IsAcquired);
        Assert.Equal(0, limiter.GetStatistics("10.0.0.1")?.CurrentAvailablePermits);
    }

    /// <summary>Answers as a limiter the partition table had just disposed, <c>timesDisposed</c> times, then grants.</summary>
    private sealed class DisposedOnce(int timesDisposed = 1) : PartitionedRateLimiter<string>
    {
        public int Attempts { get; private set; }

        public override RateLimiterStatistics? GetStatistics(string resource) => null;

        protected override RateLimitLease AttemptAcquireCore(string resource, int permitCount) => Next();

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(string resource, int permitCount, CancellationToken cancellationToken) =>
            ValueTask.FromResult(Next());

        private RateLimitLease Next() =>
            ++Attempts <= timesDisposed ? throw new ObjectDisposedException("FixedWindowRateLimiter") : new Granted();

        private sealed class Granted : RateLimitLease
        {
            public override bool IsAcquired => true;
            public override IEnumerable<string> MetadataNames => [];
            public override bool TryGetMetadata(string metadataName, out object? metadata)
            {
                metadata = null;
                return false;
            }
        }
    }
}
