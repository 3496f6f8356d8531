using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;
using PromotionEngine.Clearing.Reports;

namespace PromotionEngine.Clearing.Tests.Reports;

/// <summary>
/// A report's local date range in an IANA zone becomes UTC segments of one offset each: every instant counts once, in the bucket of
/// its local day or hour, whatever the zone's changes of offset.
/// </summary>
public class SplittingALocalRangeIntoOffsets
{
    private static readonly string[] Zones = [.. DateTimeZoneProviders.Tzdb.Ids];

    [Property(MaxTest = 300)]
    public Property Every_instant_of_the_range_is_in_exactly_the_bucket_of_its_local_day_and_hour() =>
        Prop.ForAll(Ranges(40).ToArbitrary(), Gen.ListOf(Gen.Choose(0, 1_000_000)).ToArbitrary(), (range, probes) =>
            {
                var (id, startDay, days) = range;
                var zone = DateTimeZoneProviders.Tzdb[id];
                var from = new DateOnly(2000, 1, 1).AddDays(startDay);
                var to = from.AddDays(days - 1);
                var calendar = ReportCalendar.For(zone, from, to);
                // probes: instants spread over the range and two days around it, and every segment's edges ±1 s
                var lo = ReportCalendar.LocalSeconds(from) - 2 * ReportCalendar.DaySeconds;
                var hi = ReportCalendar.LocalSeconds(to.AddDays(1)) + 2 * ReportCalendar.DaySeconds;
                var edges = calendar.Segments.SelectMany(s => new[] { s.From, s.To })
                    .SelectMany(e => new[] { -1L, 0, 1 }.Select(d => e.ToUnixTimeSeconds() + d));
                var instants = probes.Select(p => lo + ((hi - lo) * p / 1_000_000)).Concat(edges);
                foreach (var t in instants)
                {
                    var local = Instant.FromUnixTimeSeconds(t).InZone(zone).LocalDateTime;
                    var inRange = local.Date.ToDateOnly() >= from && local.Date.ToDateOnly() <= to;
                    var holding = calendar.Segments.Where(s => s.From.ToUnixTimeSeconds() <= t && t < s.To.ToUnixTimeSeconds()).ToList();
                    if (holding.Count != (inRange ? 1 : 0)) return false.Label($"{id} {from}..{to}: {t} in {holding.Count} segments");
                    if (!inRange) continue;
                    var offset = holding[0].OffsetSeconds;
                    if (ReportCalendar.DateOf(Bucket(t, offset, ReportCalendar.DaySeconds)) != local.Date.ToDateOnly())
                        return false.Label($"{id}: {t} not in its local day {local.Date}");
                    var hour = Bucket(t, offset, ReportCalendar.HourSeconds);
                    if (hour != ReportCalendar.LocalSeconds(local.Date.ToDateOnly()) + local.Hour * ReportCalendar.HourSeconds)
                        return false.Label($"{id}: {t} not in its local hour {local}");
                }
                return true.Label("ok");
            });

    [Property(MaxTest = 200)]
    public Property Buckets_cover_the_segments_exactly_once() =>
        Prop.ForAll(Ranges(31).ToArbitrary(), range =>
        {
            var (id, startDay, days) = range;
            var from = new DateOnly(2000, 1, 1).AddDays(startDay);
            var calendar = ReportCalendar.For(DateTimeZoneProviders.Tzdb[id], from, from.AddDays(days - 1));
            var covered = calendar.Segments.Sum(s => (s.To - s.From).Ticks);
            foreach (var size in (int[])[ReportCalendar.DaySeconds, ReportCalendar.HourSeconds])
            {
                var buckets = calendar.Buckets(size).ToList();
                if (buckets.Sum(b => (b.End - b.Start).Ticks) != covered) return false.Label($"{id}: {size} s buckets do not add up");
                if (buckets.Any(b => b.End <= b.Start || b.End - b.Start > TimeSpan.FromSeconds(size)))
                    return false.Label($"{id}: a bucket is empty or too long");
                var segments = calendar.Segments;
                if (buckets.Any(b => Bucket(b.Start.ToUnixTimeSeconds(), segments[b.Segment].OffsetSeconds, size) != b.BucketStart))
                    return false.Label($"{id}: a bucket's start is not in it");
            }
            return true.Label("ok");
        });

    [Theory]
    [InlineData("America/New_York", "2026-03-08", 23)]
    [InlineData("America/New_York", "2026-11-01", 25)]
    [InlineData("Europe/Berlin", "2026-03-29", 23)]
    [InlineData("Europe/Berlin", "2026-10-25", 25)]
    [InlineData("Australia/Lord_Howe", "2026-04-05", 24.5)] // half an hour back
    [InlineData("Australia/Lord_Howe", "2026-10-04", 23.5)] // half an hour forward
    [InlineData("America/Santiago", "2026-09-06", 23)] // midnight is skipped: the day starts at 01:00
    [InlineData("America/Santiago", "2026-04-04", 25)] // 23:00 to midnight twice
    [InlineData("Asia/Kathmandu", "2026-06-18", 24)]
    [InlineData("Asia/Shanghai", "2026-06-18", 24)]
    public void A_local_day_lasts_as_long_as_the_zone_makes_it(string zone, string day, double hours)
    {
        var date = DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture);
        var calendar = ReportCalendar.For(DateTimeZoneProviders.Tzdb[zone], date, date);

        var buckets = calendar.Buckets(ReportCalendar.DaySeconds).ToList();

        Assert.All(buckets, b => Assert.Equal(date, ReportCalendar.DateOf(b.BucketStart)));
        Assert.Equal(TimeSpan.FromHours(hours), TimeSpan.FromTicks(buckets.Sum(b => (b.End - b.Start).Ticks)));
    }

    [Fact]
    public void A_day_whose_midnight_is_skipped_starts_at_one_oclock()
    {
        var day = new DateOnly(2026, 9, 6);
        var first = ReportCalendar.For(DateTimeZoneProviders.Tzdb["America/Santiago"], day, day).Buckets(ReportCalendar.DaySeconds).First();

        Assert.Equal(new DateTimeOffset(2026, 9, 6, 1, 0, 0, TimeSpan.FromHours(-3)), first.Start);
        Assert.Equal(TimeSpan.FromHours(-3), first.Start.Offset);
    }

    [Fact]
    public void The_repeated_hour_of_a_fall_back_is_two_buckets_told_apart_by_their_offset()
    {
        var day = new DateOnly(2026, 11, 1);
        var hours = ReportCalendar.For(DateTimeZoneProviders.Tzdb["America/New_York"], day, day).Buckets(ReportCalendar.HourSeconds).ToList();

        Assert.Equal(25, hours.Count);
        var oneOClock = hours.Where(h => h.Start.Hour == 1).ToList();
        Assert.Equal([TimeSpan.FromHours(-4), TimeSpan.FromHours(-5)], oneOClock.Select(h => h.Start.Offset));
        Assert.Equal(oneOClock[0].BucketStart, oneOClock[1].BucketStart); // the same local hour, in two segments
        Assert.NotEqual(oneOClock[0].Segment, oneOClock[1].Segment);
    }

    [Fact]
    public void An_hour_in_a_quarter_hour_zone_is_a_local_hour()
    {
        var day = new DateOnly(2026, 6, 18);
        var hours = ReportCalendar.For(DateTimeZoneProviders.Tzdb["Asia/Kathmandu"], day, day).Buckets(ReportCalendar.HourSeconds).ToList();

        Assert.Equal(24, hours.Count);
        Assert.All(hours, h => Assert.Equal((0, 0, 15), (h.Start.Minute, h.Start.Second, h.Start.UtcDateTime.Minute)));
        Assert.Equal(new DateTimeOffset(2026, 6, 17, 18, 15, 0, TimeSpan.Zero), hours[0].Start);
        Assert.Equal(Enumerable.Range(0, 24), hours.Select(h => h.Start.Hour));
    }

    [Fact]
    public void Lord_Howes_half_hour_change_leaves_a_half_hour_bucket()
    {
        var day = new DateOnly(2026, 10, 4); // 02:00 +10:30 becomes 02:30 +11:00
        var hours = ReportCalendar.For(DateTimeZoneProviders.Tzdb["Australia/Lord_Howe"], day, day).Buckets(ReportCalendar.HourSeconds).ToList();

        var two = Assert.Single(hours, h => h.Start.Hour == 2);
        Assert.Equal(new DateTimeOffset(2026, 10, 4, 2, 30, 0, TimeSpan.FromHours(11)), two.Start);
        Assert.Equal(TimeSpan.FromMinutes(30), two.End - two.Start);
    }

    [Theory]
    [InlineData("Asia/Shanghai", true)]
    [InlineData("UTC", true)]
    [InlineData("Asia/Kathmandu", true)]
    [InlineData("asia/shanghai", false)]
    [InlineData("Mars/Olympus_Mons", false)]
    [InlineData("China Standard Time", false)]
    [InlineData("+08:00", false)]
    [InlineData("", false)]
    public void A_zone_is_an_exact_IANA_id(string id, bool known) => Assert.Equal(known, ReportCalendar.FindZone(id) is not null);

    [Fact]
    public void The_segments_agree_with_the_hosts_own_time_zone_data_where_both_know_the_rules()
    {
        foreach (var id in (string[])["America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Chatham"])
        {
            var host = TimeZoneInfo.FindSystemTimeZoneById(id);
            var calendar = ReportCalendar.For(DateTimeZoneProviders.Tzdb[id], new DateOnly(2025, 1, 1), new DateOnly(2025, 12, 31));
            foreach (var segment in calendar.Segments)
                for (var t = segment.From; t < segment.To; t = t.AddMinutes(30))
                    Assert.Equal(host.GetUtcOffset(t), TimeSpan.FromSeconds(segment.OffsetSeconds));
        }
    }

    /// <summary>A zone of the tz database, a first day from 2000 to 2039 and a length of 1 to <paramref name="maxDays"/> days.</summary>
    private static Gen<(string Zone, int StartDay, int Days)> Ranges(int maxDays) =>
        from zone in Gen.Elements(Zones)
        from startDay in Gen.Choose(0, 40 * 365)
        from days in Gen.Choose(1, maxDays)
        select (zone, startDay, days);

    private static long Bucket(long utcSeconds, long offsetSeconds, long size)
    {
        var local = utcSeconds + offsetSeconds;
        return local - (((local % size) + size) % size);
    }
}
