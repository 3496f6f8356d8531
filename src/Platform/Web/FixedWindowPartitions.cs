using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace PromotionEngine.Platform.Web;

/// <summary>
/// Fixed-window limits per partition, counted in one table: per partition a counter (the window's start and the permits
/// used), refused at once when the window's permits are spent, with the time left in the window as Retry-After. It stands
/// in for <c>PartitionedRateLimiter.Create</c> with fixed-window limiters, which keeps a limiter object per partition
/// behind one lock and visits every partition ten times a second on a timer: with every user of a flash sale a partition of
/// its own for 20 s, that timer alone cost 1–4 % of the engine's CPU per claim (docs/benchmarks.md, issue 20's profile).
/// Here no timer runs; every 10 s the first acquisition forgets the partitions whose window has passed (a forgotten
/// partition would have started a new window with all its permits anyway). A partition whose limit is 0 is not limited.
/// </summary>
/// <param name="partitioner">The partition of a resource: its key, permit limit per window (0: none) and window.</param>
internal sealed class FixedWindowPartitions<TResource, TKey>(
    Func<TResource, (TKey Key, int PermitLimit, TimeSpan Window)> partitioner, TimeProvider clock)
    : PartitionedRateLimiter<TResource> where TKey : notnull
{
    private static readonly long SweepEvery = TimeSpan.FromSeconds(10).Ticks;
    private readonly ConcurrentDictionary<TKey, Counter> _counters = new();
    private long _nextSweep = clock.GetUtcNow().UtcTicks + SweepEvery;
    private int _sweeping;

    /// <summary>Partitions remembered now (for the tests).</summary>
    internal int Count => _counters.Count;

    public override RateLimiterStatistics? GetStatistics(TResource resource)
    {
        var (key, permitLimit, window) = partitioner(resource);
        if (permitLimit == 0) return null;
        var now = clock.GetUtcNow().UtcTicks;
        var used = 0;
        if (_counters.TryGetValue(key, out var counter))
            lock (counter)
                used = now < counter.Start + window.Ticks ? counter.Used : 0;
        return new RateLimiterStatistics { CurrentAvailablePermits = permitLimit - used, CurrentQueuedCount = 0 };
    }

    protected override RateLimitLease AttemptAcquireCore(TResource resource, int permitCount)
    {
        var (key, permitLimit, window) = partitioner(resource);
        if (permitLimit == 0) return Lease.Granted;
        if (permitCount > permitLimit) return Lease.Refused(window);
        var now = clock.GetUtcNow().UtcTicks;
        if (now >= Interlocked.Read(ref _nextSweep)) Sweep(now);
        while (true)
        {
            var counter = _counters.GetOrAdd(key, static (_, start) => new Counter { Start = start }, now);
            lock (counter)
            {
                if (counter.Forgotten) continue; // swept out of the table between the look-up and the lock: take its successor
                counter.Window = window.Ticks;
                if (now >= counter.Start + window.Ticks)
                {
                    counter.Start = now;
                    counter.Used = 0;
                }
                var left = permitLimit - counter.Used;
                if (permitCount == 0 ? left > 0 : left >= permitCount)
                {
                    counter.Used += permitCount;
                    return Lease.Granted;
                }
                return Lease.Refused(TimeSpan.FromTicks(counter.Start + window.Ticks - now));
            }
        }
    }

    /// <summary>No queue: a request is answered at once, as by <see cref="AttemptAcquireCore"/>.</summary>
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(TResource resource, int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(resource, permitCount));

    /// <summary>Forgets the partitions whose window has passed (one caller at a time; the others go on).</summary>
    private void Sweep(long now)
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1) return;
        try
        {
            Interlocked.Exchange(ref _nextSweep, now + SweepEvery);
            foreach (var (key, counter) in _counters)
            {
                if (now < Volatile.Read(ref counter.Start) + Volatile.Read(ref counter.Window)) continue; // current: no lock taken
                lock (counter)
                {
                    if (now < counter.Start + counter.Window) continue;
                    counter.Forgotten = true;
                    _counters.TryRemove(new KeyValuePair<TKey, Counter>(key, counter));
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    private sealed class Counter
    {
        public long Start;
        public int Used;
        public long Window;
        public bool Forgotten;
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, null);

        public static Lease Refused(TimeSpan retryAfter) => new(false, retryAfter);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
            return metadata is not null;
        }
    }
}
