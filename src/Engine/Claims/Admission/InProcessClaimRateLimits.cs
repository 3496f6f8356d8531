using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Claims.Admission;

/// <summary>
/// The claim limits of an instance without Redis (the embedded default): fixed windows counted in this process. Windows that
/// ended are swept out as the table grows, so it holds about the callers of one window.
/// </summary>
internal sealed class InProcessClaimRateLimits(IOptions<AdmissionOptions> options, TimeProvider clock) : IClaimRateLimits
{
    private const int SweepAbove = 10_000;
    private readonly ConcurrentDictionary<(string Limit, string Key), Window> _windows = new();
    private long _nextSweep;

    public Task<ClaimLimitRefusal?> RefusalAsync(UserId user, string? clientAddress, CancellationToken ct)
    {
        var o = options.Value;
        var now = clock.GetTimestamp();
        var refusal = Count(ClaimLimitRefusal.PerUser, user.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), o.PerUser, now);
        if (clientAddress is not null) refusal ??= Count(ClaimLimitRefusal.PerIp, clientAddress, o.PerIp, now);
        Sweep(now);
        return Task.FromResult(refusal);
    }

    /// <summary>No gate counts them: they live in this process.</summary>
    public IReadOnlyList<CountedClaimLimit>? CountedByGate(UserId user, string? clientAddress) => null;

    private ClaimLimitRefusal? Count(string limit, string key, ClaimWindowLimit settings, long now)
    {
        if (settings.PermitLimit == 0) return null;
        var window = _windows.GetOrAdd((limit, key), _ => new Window());
        lock (window)
        {
            if (window.Count == 0 || clock.GetElapsedTime(window.StartedAt, now) >= settings.Window) (window.StartedAt, window.Count) = (now, 0);
            window.Count++;
            window.Length = settings.Window;
            return window.Count <= settings.PermitLimit ? null
                : new ClaimLimitRefusal(limit, settings.Window - clock.GetElapsedTime(window.StartedAt, now));
        }
    }

    private void Sweep(long now)
    {
        if (_windows.Count <= SweepAbove || now < Interlocked.Read(ref _nextSweep)) return;
        Interlocked.Exchange(ref _nextSweep, now + clock.TimestampFrequency); // at most once a second
        foreach (var (key, window) in _windows)
        {
            lock (window)
            {
                if (clock.GetElapsedTime(window.StartedAt, now) >= window.Length) _windows.TryRemove(key, out _);
            }
        }
    }

    private sealed class Window
    {
        public long StartedAt;
        public int Count;
        public TimeSpan Length;
    }
}
