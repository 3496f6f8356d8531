using System.Threading.RateLimiting;
using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Platform.Web;

namespace PromotionEngine.Platform.Tests.Web;

/// <summary>
/// The limits after authentication count requests per partition in fixed windows (<see cref="FixedWindowPartitions{TResource,TKey}"/>):
/// a counter per partition and no timer, where the framework's partitioned limiter keeps a limiter object per partition and
/// visits every one of them ten times a second (in a flash sale, one per user who claimed in the last 20 s). The same limit:
/// at most the permit limit per window and partition, refused at once with the time left in the window.
/// </summary>
public sealed class CountingFixedWindows
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    private FixedWindowPartitions<string, string> Limiter(int permitLimit = 3) =>
        new(key => (key, key.StartsWith("free", StringComparison.Ordinal) ? 0 : permitLimit, Window), _clock);

    [Fact]
    public void A_partition_gets_its_permit_limit_per_window_then_a_refusal_that_says_how_long_is_left()
    {
        using var limiter = Limiter();
        for (var i = 0; i < 3; i++) Assert.True(limiter.AttemptAcquire("user:1").IsAcquired);
        _clock.Advance(TimeSpan.FromSeconds(4));

        using var refused = limiter.AttemptAcquire("user:1");

        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(6), retryAfter);
        Assert.Equal(0, limiter.GetStatistics("user:1")?.CurrentAvailablePermits);
    }

    [Fact]
    public async Task The_next_window_gives_the_permits_back_and_a_wait_is_answered_at_once()
    {
        using var limiter = Limiter();
        for (var i = 0; i < 3; i++) Assert.True(limiter.AttemptAcquire("user:1").IsAcquired);
        Assert.False((await limiter.AcquireAsync("user:1")).IsAcquired); // no queue: refused, not parked

        _clock.Advance(Window);

        Assert.True((await limiter.AcquireAsync("user:1")).IsAcquired);
        Assert.Equal(2, limiter.GetStatistics("user:1")?.CurrentAvailablePermits);
    }

    [Fact]
    public void Partitions_are_counted_apart_and_one_without_a_limit_is_never_refused()
    {
        using var limiter = Limiter(permitLimit: 1);

        Assert.True(limiter.AttemptAcquire("user:1").IsAcquired);
        Assert.False(limiter.AttemptAcquire("user:1").IsAcquired);
        Assert.True(limiter.AttemptAcquire("user:2").IsAcquired);
        for (var i = 0; i < 100; i++) Assert.True(limiter.AttemptAcquire("free:1").IsAcquired);
    }

    [Fact]
    public void A_request_for_more_permits_than_are_left_is_refused_and_spends_none()
    {
        using var limiter = Limiter();

        Assert.False(limiter.AttemptAcquire("user:1", 4).IsAcquired);
        Assert.True(limiter.AttemptAcquire("user:1", 2).IsAcquired);
        Assert.False(limiter.AttemptAcquire("user:1", 2).IsAcquired);
        Assert.True(limiter.AttemptAcquire("user:1", 0).IsAcquired); // a look: one permit is left
        Assert.True(limiter.AttemptAcquire("user:1", 1).IsAcquired);
        Assert.False(limiter.AttemptAcquire("user:1", 0).IsAcquired); // none left
    }

    [Fact]
    public void Partitions_whose_window_has_passed_are_forgotten_and_a_forgotten_one_starts_afresh()
    {
        using var limiter = Limiter(permitLimit: 1);
        for (var i = 0; i < 1000; i++) limiter.AttemptAcquire($"user:{i}");
        Assert.Equal(1000, limiter.Count);

        _clock.Advance(Window);
        Assert.True(limiter.AttemptAcquire("user:0").IsAcquired); // the first acquisition after a window sweeps

        Assert.Equal(1, limiter.Count);
        Assert.False(limiter.AttemptAcquire("user:0").IsAcquired);
    }

    [Fact]
    public async Task Under_concurrent_requests_and_sweeps_a_partition_never_gets_more_than_its_limit_in_a_window()
    {
        using var limiter = Limiter(permitLimit: 100);
        for (var window = 0; window < 5; window++)
        {
            var acquired = 0;
            await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
            {
                for (var i = 0; i < 2000; i++)
                {
                    if (limiter.AttemptAcquire("user:hot").IsAcquired) Interlocked.Increment(ref acquired);
                    limiter.AttemptAcquire($"user:{worker}:{i}"); // other partitions, for the sweep to visit
                }
            })));
            Assert.Equal(100, acquired);
            _clock.Advance(Window);
        }
    }
}
