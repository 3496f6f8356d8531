using System.Diagnostics;
using System.Diagnostics.Metrics;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Engine.Coupons;

namespace PromotionEngine.Engine;

/// <summary>
/// The engine's business metrics (meter "PromotionEngine.Engine"): claims by outcome and template window, claim latency, the
/// group commit's batches, the Redis gate's decisions and counter rebuilds, and coupon transitions by verb. Labels are bounded
/// sets (outcome, window, verb, decision, step): never a user, coupon, order or template id.
/// </summary>
internal sealed partial class EngineMetrics : IDisposable
{
    public const string MeterName = "PromotionEngine.Engine";

    /// <summary>Seconds, for millisecond-level latencies: 0.5 ms to 10 s.</summary>
    public static readonly IReadOnlyList<double> LatencyBuckets =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly IReadOnlyList<long> BatchBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _claims;
    private readonly Histogram<double> _claimDuration;
    private readonly Histogram<long> _batchSize;
    private readonly Histogram<double> _batchWait;
    private readonly Counter<long> _gateDecisions;
    private readonly Counter<long> _counterRebuilds;
    private readonly Counter<long> _transitions;
    private readonly Counter<long> _orderVerbs;

    public EngineMetrics()
    {
        _claims = _meter.CreateCounter<long>("promotion.claims", "{claim}",
            "Claim requests answered, by outcome (issued, replayed, out_of_stock, limit_reached, period_limit_reached, not_started, ended, " +
            "terminated, " +
            "template_not_found, key_reused, unavailable, failed) and the template's claim window (open, not_started, ended, terminated, unknown).");
        _claimDuration = _meter.CreateHistogram("promotion.claim.duration", "s", "Time to decide and store a claim, by outcome.", null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _batchSize = _meter.CreateHistogram("promotion.claim.batch.size", "{claim}",
            "Claims written in one group-commit transaction, by outcome (committed, refused: retried one by one, failed).", null,
            new InstrumentAdvice<long> { HistogramBucketBoundaries = BatchBuckets });
        _batchWait = _meter.CreateHistogram("promotion.claim.batch.wait", "s",
            "From a granted claim's queueing to its batch's commit: what group commit adds to a claim.", null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _gateDecisions = _meter.CreateCounter<long>("promotion.claim_gate.decisions", "{decision}",
            "The Redis claim script's answers, by decision (granted, duplicate, out_of_stock, limit_reached, period_limit_reached, not_started, " +
            "ended, terminated, load, load_period).");
        _counterRebuilds = _meter.CreateCounter<long>("promotion.claim_gate.counter_rebuilds", "{template}",
            "Templates whose Redis claim counters were loaded from the database (step loaded: first use, or Redis lost them; " +
            "loaded_period: one day, week or month of a template's per-period limits) " +
            "or dropped to be rebuilt (step dropped: on start or on demand).");
        _transitions = _meter.CreateCounter<long>("promotion.coupon.transitions", "{coupon}",
            "Coupon status changes stored, by verb (lock, consume, release, refund, hold_lapse, expire).");
        _orderVerbs = _meter.CreateCounter<long>("promotion.checkout.requests", "{request}",
            "Order verbs (lock, consume, release, refund) by outcome (applied, replayed, refused) and reason (the refusal's error code, or none).");
    }

    public void Claimed(string outcome, string window, TimeSpan took)
    {
        var tags = new TagList { { "outcome", outcome }, { "window", window } };
        _claims.Add(1, tags);
        _claimDuration.Record(Math.Max(took.TotalSeconds, 0), new KeyValuePair<string, object?>("outcome", outcome));
    }

    /// <summary>The template's claim window at <paramref name="now"/>, or unknown when there is no template.</summary>
    public static string WindowOf(CouponTemplateSnapshot? template, DateTimeOffset now) =>
        template is null ? "unknown"
        : template.Terminated ? "terminated"
        : now < template.ValidFrom ? "not_started"
        : now >= template.ValidUntil ? "ended"
        : "open";

    public void BatchWritten(string outcome, int size, IEnumerable<TimeSpan> waits)
    {
        _batchSize.Record(size, new KeyValuePair<string, object?>("outcome", outcome));
        foreach (var wait in waits) _batchWait.Record(Math.Max(wait.TotalSeconds, 0));
    }

    public void GateDecided(string decision) => _gateDecisions.Add(1, new KeyValuePair<string, object?>("decision", decision));

    public void CountersRebuilt(string step, int templates)
    {
        if (templates > 0) _counterRebuilds.Add(templates, new KeyValuePair<string, object?>("step", step));
    }

    /// <summary>Every status change these coupons made since they were read (a lock may first record a lapsed hold).</summary>
    public void Moved(IEnumerable<UserCoupon> coupons)
    {
        foreach (var cause in coupons.SelectMany(c => c.Transitions).CountBy(t => t.Cause))
            _transitions.Add(cause.Value, new KeyValuePair<string, object?>("verb", VerbOf(cause.Key)));
    }

    private static string VerbOf(CouponCause cause) => cause switch
    {
        CouponCause.Lock => "lock",
        CouponCause.Consume => "consume",
        CouponCause.Release => "release",
        CouponCause.Refund => "refund",
        CouponCause.HoldLapsed => "hold_lapse",
        CouponCause.Expire => "expire",
        _ => throw new UnreachableException(),
    };

    /// <param name="operation">LOCK, CONSUME, RELEASE or REFUND (<c>OrderVerbs</c>).</param>
    /// <param name="refusal">The refusal's error code, when refused.</param>
    public void OrderVerb(string operation, string outcome, string? refusal)
    {
        var tags = new TagList { { "verb", operation.ToLowerInvariant() }, { "outcome", outcome }, { "reason", refusal ?? "none" } };
        _orderVerbs.Add(1, tags);
    }

    public void Dispose() => _meter.Dispose();
}
