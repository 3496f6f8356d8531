using NodaTime;
using PromotionEngine.Clearing.Store;

namespace PromotionEngine.Clearing.Reports;

/// <summary>
/// The viewer's calendar for one report: local dates From..To (both included) in an IANA time zone, as the stretches of UTC
/// time over which the zone keeps one offset (<see cref="Segments"/>). The report covers exactly the instants whose local date
/// lies in the range: within one segment the local date only grows with UTC time, so each segment's share is one interval, and
/// a day of 23, 25 or 23.5 hours, a midnight that is skipped or repeated, or an offset of +5:45 need no special case.
/// The zones are the tz database's as NodaTime ships it (not the host's), so every instance of the cluster buckets alike.
/// </summary>
internal sealed class ReportCalendar
{
    public const int DaySeconds = 86_400;
    public const int HourSeconds = 3_600;
    private const long EpochDay = 719_162; // DateOnly(1970, 1, 1).DayNumber
    private const long Margin = 2 * DaySeconds; // wider than any offset the tz database has known (±15:xx of old local mean times)

    private ReportCalendar(string timeZone, DateOnly from, DateOnly to, IReadOnlyList<OffsetSegment> segments)
    {
        (TimeZone, From, To, Segments) = (timeZone, from, to, segments);
    }

    public string TimeZone { get; }
    public DateOnly From { get; }
    public DateOnly To { get; }

    /// <summary>In UTC order, not overlapping, never empty; neighbours differ in offset or leave a gap between them.</summary>
    public IReadOnlyList<OffsetSegment> Segments { get; }

    /// <summary>The tz database's zone of <paramref name="id"/> (exact, case-sensitive IANA id such as Asia/Shanghai), or null.</summary>
    public static DateTimeZone? FindZone(string id) => DateTimeZoneProviders.Tzdb.GetZoneOrNull(id);

    public static ReportCalendar For(DateTimeZone zone, DateOnly from, DateOnly to)
    {
        if (to < from) throw new ArgumentOutOfRangeException(nameof(to), to, "The range ends before it starts.");
        var localFrom = LocalSeconds(from);
        var localTo = LocalSeconds(to.AddDays(1));
        var segments = new List<OffsetSegment>();
        var window = (Instant.FromUnixTimeSeconds(localFrom - Margin), Instant.FromUnixTimeSeconds(localTo + Margin));
        foreach (var interval in zone.GetZoneIntervals(window.Item1, window.Item2))
        {
            long offset = interval.WallOffset.Seconds;
            var start = Math.Max(interval.HasStart ? interval.Start.ToUnixTimeSeconds() : long.MinValue, localFrom - offset);
            var end = Math.Min(interval.HasEnd ? interval.End.ToUnixTimeSeconds() : long.MaxValue, localTo - offset);
            if (start >= end) continue;
            if (segments.Count > 0 && segments[^1] is var last && last.OffsetSeconds == offset && last.To.ToUnixTimeSeconds() == start)
                segments[^1] = last with { To = Utc(end) }; // two tz intervals of one offset (a change of name only): one segment
            else segments.Add(new OffsetSegment(Utc(start), Utc(end), (int)offset));
        }
        return new ReportCalendar(zone.Id, from, to, segments);
    }

    /// <summary>
    /// Every bucket of <paramref name="bucketSeconds"/> (a local day or a local hour) the segments touch, in UTC order: the
    /// segment it lies in, its start in local epoch seconds (what <see cref="IAnalyticStore.ActivityAsync"/> answers) and the UTC
    /// interval of it within the segment. A local day split by a change of offset is a bucket in each segment.
    /// </summary>
    public IEnumerable<BucketPeriod> Buckets(int bucketSeconds)
    {
        for (var s = 0; s < Segments.Count; s++)
        {
            var segment = Segments[s];
            long offset = segment.OffsetSeconds;
            var from = segment.From.ToUnixTimeSeconds();
            var to = segment.To.ToUnixTimeSeconds();
            for (var bucket = FloorTo(from + offset, bucketSeconds); bucket - offset < to; bucket += bucketSeconds)
                yield return new BucketPeriod(s, bucket, Utc(Math.Max(bucket - offset, from)).ToOffset(TimeSpan.FromSeconds(offset)),
                    Utc(Math.Min(bucket + bucketSeconds - offset, to)).ToOffset(TimeSpan.FromSeconds(offset)));
        }
    }

    /// <summary>The local date of a bucket that starts at <paramref name="localSeconds"/> (local epoch seconds).</summary>
    public static DateOnly DateOf(long localSeconds) => DateOnly.FromDayNumber((int)(EpochDay + FloorTo(localSeconds, DaySeconds) / DaySeconds));

    /// <summary>Local epoch seconds of the start of <paramref name="date"/>: its midnight as if UTC.</summary>
    public static long LocalSeconds(DateOnly date) => (date.DayNumber - EpochDay) * DaySeconds;

    private static long FloorTo(long value, long step) => value - (((value % step) + step) % step);

    private static DateTimeOffset Utc(long unixSeconds) => DateTimeOffset.FromUnixTimeSeconds(unixSeconds);
}

/// <summary>
/// One local bucket within one segment: Start and End are UTC instants shown in the segment's offset (End exclusive); they
/// are the bucket's bounds, cut to the segment where it starts or ends inside it.
/// </summary>
internal sealed record BucketPeriod(int Segment, long BucketStart, DateTimeOffset Start, DateTimeOffset End);
