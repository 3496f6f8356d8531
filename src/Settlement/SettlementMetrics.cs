using System.Diagnostics;
using System.Diagnostics.Metrics;
using PromotionEngine.Settlement.Orders;

namespace PromotionEngine.Settlement;

/// <summary>
/// The settlement's business metrics (meter "PromotionEngine.Settlement"): quote latency by outcome, how many combinations
/// the best-combination search priced, and the order saga's steps and refusals. Labels are bounded sets (outcome, mode,
/// step, source, reason code): never an order, user, quote or coupon id.
/// </summary>
internal sealed class SettlementMetrics : IDisposable
{
    public const string MeterName = "PromotionEngine.Settlement";

    /// <summary>Seconds, for millisecond-level latencies: 0.5 ms to 10 s.</summary>
    private static readonly IReadOnlyList<double> LatencyBuckets =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly IReadOnlyList<long> CombinationBuckets = [0, 1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576];

    private readonly Meter _meter = new(MeterName);
    private readonly Histogram<double> _quoteDuration;
    private readonly Histogram<long> _combinations;
    private readonly Counter<long> _steps;
    private readonly Counter<long> _refusals;

    public SettlementMetrics()
    {
        _quoteDuration = _meter.CreateHistogram("promotion.quote.duration", "s",
            "Time to answer a quote request, by outcome (quoted, replayed: the stored live quote, invalid, pick_refused, failed).", null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _combinations = _meter.CreateHistogram("promotion.quote.combinations", "{combination}",
            "Coupon combinations a quote priced to find its answer, by mode (best: the search, picked: the caller's pick).", null,
            new InstrumentAdvice<long> { HistogramBucketBoundaries = CombinationBuckets });
        _steps = _meter.CreateCounter<long>("promotion.saga.steps", "{step}",
            "Order saga steps recorded, by step (lock, consume, release, refund), source (event, http) and outcome (done, ignored, refused, pending).");
        _refusals = _meter.CreateCounter<long>("promotion.saga.refusals", "{step}",
            "Order saga steps refused, by step and reason (the refusal's code, e.g. ORDER_EVENT_INVALID, ILLEGAL_TRANSITION).");
    }

    public void Quoted(string outcome, TimeSpan took) =>
        _quoteDuration.Record(Math.Max(took.TotalSeconds, 0), new KeyValuePair<string, object?>("outcome", outcome));

    public void Searched(bool picked, int combinations) =>
        _combinations.Record(combinations, new KeyValuePair<string, object?>("mode", picked ? "picked" : "best"));

    /// <summary>Steps as they are stored with their record (a rolled-back delivery is retried, and counted again).</summary>
    public void Stored(IEnumerable<OrderStepEntry> steps)
    {
        foreach (var s in steps)
        {
            var step = s.Step.ToLowerInvariant();
            var tags = new TagList { { "step", step }, { "source", s.Source.ToLowerInvariant() }, { "outcome", s.Outcome.ToLowerInvariant() } };
            _steps.Add(1, tags);
            if (s.Outcome == StepOutcomes.Refused)
            {
                var refusal = new TagList { { "step", step }, { "reason", s.Code ?? "none" } };
                _refusals.Add(1, refusal);
            }
        }
    }

    public void Dispose() => _meter.Dispose();
}
