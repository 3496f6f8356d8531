using System.Collections.Concurrent;

namespace PromotionEngine.Kernel.Persistence;

/// <summary>
/// The reads of a cache's misses, one per key at a time: a caller that misses a key while it is being read joins that read instead
/// of starting its own. Without it, at every expiry of a key under load each caller in flight read it (the claim path's template
/// catalog: ~10 reads of one template per group-commit batch, h17-audience in docs/benchmarks.md). The read runs to its end whoever
/// waits for it; each caller waits only as long as its own token allows.
/// </summary>
public sealed class SharedReads<TKey, TValue> where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Lazy<Task<TValue>>> _reading = new();

    /// <summary>The read of <paramref name="key"/> in flight, or <paramref name="read"/> of it started now (not cancelled by <paramref name="ct"/>).</summary>
    public Task<TValue> ReadAsync(TKey key, Func<TKey, Task<TValue>> read, CancellationToken ct)
    {
        Lazy<Task<TValue>> mine = null!;
        mine = new Lazy<Task<TValue>>(() => RunAsync(key, read, mine));
        return _reading.GetOrAdd(key, mine).Value.WaitAsync(ct);
    }

    /// <summary>After a change to <paramref name="key"/>: callers from now on read it anew instead of joining a read begun before.</summary>
    public void Forget(TKey key) => _reading.TryRemove(key, out _);

    private async Task<TValue> RunAsync(TKey key, Func<TKey, Task<TValue>> read, Lazy<Task<TValue>> entry)
    {
        try
        {
            return await read(key);
        }
        finally
        {
            _reading.TryRemove(new KeyValuePair<TKey, Lazy<Task<TValue>>>(key, entry));
        }
    }
}
