using PromotionEngine.Clearing.Facts;

namespace PromotionEngine.Clearing.Store;

/// <summary>
/// The facts' aggregate that the activity reports read (docs/clearing.md, "Aggregates"): the facts summed per merchant, template,
/// UTC quarter hour, currency, movement, channel and status, kept by each store in the same append as the facts. A report answers
/// from it when its time zone's segments start and end on quarter hours and its offsets and buckets are whole quarter hours (every
/// time zone in use today: all offsets are multiples of 15 minutes); a fact's bucket then follows from its quarter hour alone. Any
/// other query scans the facts, with the same answer.
/// </summary>
internal static class ActivityAggregate
{
    public const int QuarterSeconds = 900;

    /// <summary>The hour rollup's period (ClickHouse's <c>clr_activity_hours</c>): every whole-hour time zone's day and hour reports.</summary>
    public const int HourSeconds = 3600;

    /// <summary>Whether the aggregate answers <paramref name="query"/> exactly: every boundary, offset and bucket on quarter hours.</summary>
    public static bool Serves(ActivityQuery query) => Serves(query, QuarterSeconds);

    /// <summary>
    /// Whether sums per UTC period of <paramref name="periodSeconds"/> answer <paramref name="query"/> exactly: every segment starts
    /// and ends on a period, and its offset and the bucket are whole periods. A fact at t in period p = ⌊t / P⌋ × P then lies in the
    /// same segment as p, and ⌊(t + offset) / B⌋ = ⌊(p + offset) / B⌋, since p + offset is a multiple of P and B of P.
    /// </summary>
    public static bool Serves(ActivityQuery query, int periodSeconds) =>
        query.BucketSeconds % periodSeconds == 0
        && query.Segments.All(s => s.OffsetSeconds % periodSeconds == 0 && OnPeriod(s.From, periodSeconds) && OnPeriod(s.To, periodSeconds));

    /// <summary>The movements whose status the reports tell apart (where the coupon went); every other row's status is null.</summary>
    public static readonly string[] WithStatus = [Movements.Released, Movements.Restored];

    private static bool OnPeriod(DateTimeOffset at, int periodSeconds) => at.UtcTicks % (periodSeconds * TimeSpan.TicksPerSecond) == 0;
}

/// <summary>The aggregate's key: a fact's merchant, template, UTC period (unix seconds of its start: a quarter hour, or an hour) and the kinds it is told apart by.</summary>
internal readonly record struct ActivityKey(
    long Merchant, long Template, long Period, string Currency, string Movement, string Channel, string? Status);

/// <summary>
/// Facts summed per <see cref="ActivityKey"/>, as both stores append them to the aggregate: summed from a batch in the process, not
/// by a query over the facts table (which would read more of it as it grows). Per quarter hour by default; per hour for the
/// ClickHouse hour rollup.
/// </summary>
internal sealed class PeriodSums(int periodSeconds = ActivityAggregate.QuarterSeconds)
{
    private readonly Dictionary<ActivityKey, Sums> _groups = [];

    /// <summary>A key's sums: facts, coupons, discount, platform part, merchant part, order amount (the aggregate's columns).</summary>
    internal sealed class Sums
    {
        public long Facts, Coupons, Discount, PlatformPart, MerchantPart, OrderAmount;
    }

    public void Add(ClearingFact fact)
    {
        var seconds = fact.OccurredAt.ToUnixTimeSeconds();
        var period = seconds - (((seconds % periodSeconds) + periodSeconds) % periodSeconds);
        var key = new ActivityKey(fact.MerchantId, fact.TemplateId, period, fact.Currency, fact.Movement, fact.Channel, fact.Status);
        if (!_groups.TryGetValue(key, out var s)) _groups[key] = s = new Sums();
        s.Facts++;
        s.Coupons += fact.Coupons;
        s.Discount += fact.Discount;
        s.PlatformPart += fact.PlatformPart;
        s.MerchantPart += fact.MerchantPart;
        s.OrderAmount += fact.OrderAmount;
    }

    public IEnumerable<KeyValuePair<ActivityKey, Sums>> Groups => _groups;
}
