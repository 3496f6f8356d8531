using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Claims.Admission;

/// <summary>
/// A bound on each template's claims in flight in this instance, so a burst is refused at once (429 RATE_LIMITED) instead of
/// queueing into seconds of latency behind the group commit. The bound is <see cref="AdmissionOptions.InFlightPerTemplate"/> when
/// set; otherwise Little's law: the claims the template finished per second here (measured over windows of a quarter second,
/// smoothed) times <see cref="AdmissionOptions.TargetLatency"/>, between the minimum and the maximum (the maximum until the first
/// window is measured). While claims finish faster than the target the bound grows; when they queue past it, it shrinks: it
/// settles where claims take about the target.
/// </summary>
internal sealed class TemplateAdmission(IOptions<AdmissionOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan MeasureEvery = TimeSpan.FromMilliseconds(250);
    private readonly ConcurrentDictionary<TemplateId, Slots> _templates = new();

    /// <summary>A slot to decide one claim in (dispose it when decided), or null when the template has none free.</summary>
    public IDisposable? TryEnter(TemplateId template)
    {
        var slots = _templates.GetOrAdd(template, _ => new Slots(clock.GetTimestamp()));
        return slots.TryEnter(Bound(slots)) ? new Slot(slots, clock) : null;
    }

    /// <summary>How many claims of the template may be in flight at once now.</summary>
    public int BoundOf(TemplateId template) => Bound(_templates.GetOrAdd(template, _ => new Slots(clock.GetTimestamp())));

    private int Bound(Slots slots)
    {
        var o = options.Value;
        if (o.InFlightPerTemplate > 0) return o.InFlightPerTemplate;
        // Not measured yet (a template opening): the maximum, so a drop's first quarter second is not refused on no evidence.
        if (slots.PerSecond == 0) return o.MaxInFlightPerTemplate;
        var derived = slots.PerSecond * o.TargetLatency.TotalSeconds;
        return (int)Math.Clamp(Math.Round(derived), o.MinInFlightPerTemplate, o.MaxInFlightPerTemplate);
    }

    private sealed class Slots(long createdAt)
    {
        private readonly Lock _measuring = new();
        private int _inFlight;
        private long _finished, _windowFinished, _windowStart = createdAt;
        private double _perSecond; // 0 until a window is measured

        public double PerSecond => Volatile.Read(ref _perSecond);

        public bool TryEnter(int bound)
        {
            var now = Volatile.Read(ref _inFlight);
            while (now < bound)
            {
                var seen = Interlocked.CompareExchange(ref _inFlight, now + 1, now);
                if (seen == now) return true;
                now = seen;
            }
            return false;
        }

        public void Exit(TimeProvider clock)
        {
            Interlocked.Decrement(ref _inFlight);
            Interlocked.Increment(ref _finished);
            var now = clock.GetTimestamp();
            if (clock.GetElapsedTime(Volatile.Read(ref _windowStart), now) < MeasureEvery || !_measuring.TryEnter()) return;
            try
            {
                var elapsed = clock.GetElapsedTime(_windowStart, now);
                if (elapsed < MeasureEvery) return;
                var finished = Interlocked.Read(ref _finished);
                var rate = (finished - _windowFinished) / elapsed.TotalSeconds;
                Volatile.Write(ref _perSecond, _perSecond == 0 ? rate : (_perSecond + rate) / 2);
                (_windowFinished, _windowStart) = (finished, now);
            }
            finally
            {
                _measuring.Exit();
            }
        }
    }

    private sealed class Slot(Slots slots, TimeProvider clock) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) slots.Exit(clock);
        }
    }
}
