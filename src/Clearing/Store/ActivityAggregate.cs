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

    /// <summary>Whether the aggregate answers <paramref name="query"/> exactly: every boundary, offset and bucket on quarter hours.</summary>
    public static bool Serves(ActivityQuery query) =>
        query.BucketSeconds % QuarterSeconds == 0
        && query.Segments.All(s => s.OffsetSeconds % QuarterSeconds == 0 && OnQuarter(s.From) && OnQuarter(s.To));

    /// <summary>The movements whose status the reports tell apart (where the coupon went); every other row's status is null.</summary>
    public static readonly string[] WithStatus = [Movements.Released, Movements.Restored];

    private static bool OnQuarter(DateTimeOffset at) => at.UtcTicks % (QuarterSeconds * TimeSpan.TicksPerSecond) == 0;
}
