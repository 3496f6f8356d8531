using Microsoft.Extensions.Time.Testing;

namespace PromotionEngine.Kernel.Tests;

public class IssuingIds
{
    private const int WorkerBits = 10;
    private const int SequenceBits = 12;

    private readonly FakeTimeProvider _clock = new(Clocks.Start);

    private static int WorkerOf(long id) => (int)((id >> SequenceBits) & IdGenerator.MaxWorker);

    [Fact]
    public void Ids_from_one_generator_strictly_increase_under_many_threads()
    {
        // A frozen clock makes every thread share one millisecond, so the sequence wraps and borrows many times.
        var ids = new IdGenerator(_clock, worker: 5);
        const int threads = 8, perThread = 10_000;
        var issued = new long[threads][];

        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var mine = new long[perThread];
            for (var i = 0; i < perThread; i++) mine[i] = ids.Next();
            issued[t] = mine;
        });

        foreach (var mine in issued)
        {
            for (var i = 1; i < mine.Length; i++) Assert.True(mine[i] > mine[i - 1], $"{mine[i]} after {mine[i - 1]}");
        }
        Assert.Equal(threads * perThread, issued.SelectMany(x => x).Distinct().Count());
        Assert.True(ids.Next() > issued.SelectMany(x => x).Max());
    }

    [Fact]
    public void More_than_4096_ids_in_one_millisecond_keep_increasing()
    {
        var ids = new IdGenerator(_clock, worker: 1);

        var issued = Enumerable.Range(0, 3 * 4096 + 10).Select(_ => ids.Next()).ToArray();

        for (var i = 1; i < issued.Length; i++) Assert.True(issued[i] > issued[i - 1]);
        Assert.All(issued, id => Assert.Equal(1, WorkerOf(id)));
    }

    [Fact]
    public void Ids_keep_increasing_as_the_clock_moves_on()
    {
        var ids = new IdGenerator(_clock, worker: 1);
        var last = ids.Next();

        for (var i = 0; i < 1000; i++)
        {
            _clock.Advance(TimeSpan.FromTicks(3_333)); // a third of a millisecond
            var next = ids.Next();
            Assert.True(next > last);
            last = next;
        }
    }

    [Fact]
    public void Two_workers_never_issue_the_same_id()
    {
        var first = new IdGenerator(_clock, worker: 1);
        var second = new IdGenerator(_clock, worker: 2);
        var fromFirst = new HashSet<long>();
        var fromSecond = new HashSet<long>();

        for (var i = 0; i < 10_000; i++)
        {
            fromFirst.Add(first.Next());
            fromSecond.Add(second.Next());
            if (i % 100 == 0) _clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(10_000, fromFirst.Count);
        Assert.Equal(10_000, fromSecond.Count);
        Assert.Empty(fromFirst.Intersect(fromSecond));
        Assert.All(fromFirst, id => Assert.Equal(1, WorkerOf(id)));
        Assert.All(fromSecond, id => Assert.Equal(2, WorkerOf(id)));
    }

    [Fact]
    public void Ids_sort_by_creation_time_across_workers()
    {
        var highWorker = new IdGenerator(_clock, worker: IdGenerator.MaxWorker);
        var lowWorker = new IdGenerator(_clock, worker: 0);

        var earlier = highWorker.Next();
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(lowWorker.Next() > earlier);
    }

    [Fact]
    public void An_id_is_never_zero()
    {
        var ids = new IdGenerator(_clock, worker: 0);

        for (var i = 0; i < 5000; i++) Assert.NotEqual(0, ids.Next());
    }

    [Fact]
    public void A_clock_stepping_back_never_repeats_an_id()
    {
        var clock = new SteppingClock(Clocks.Start);
        var ids = new IdGenerator(clock, worker: 3);
        var issued = new List<long>();
        for (var i = 0; i < 10; i++) issued.Add(ids.Next());
        clock.Now += TimeSpan.FromMilliseconds(5);
        for (var i = 0; i < 10; i++) issued.Add(ids.Next());

        clock.Now -= TimeSpan.FromSeconds(2); // NTP steps the clock back
        for (var i = 0; i < 5000; i++) issued.Add(ids.Next());
        clock.Now += TimeSpan.FromSeconds(1); // still behind the last id's millisecond
        for (var i = 0; i < 10; i++) issued.Add(ids.Next());

        for (var i = 1; i < issued.Count; i++) Assert.True(issued[i] > issued[i - 1], $"id {i}: {issued[i]} after {issued[i - 1]}");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(IdGenerator.MaxWorker + 1)]
    public void A_worker_number_outside_0_to_1023_is_refused(int worker) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new IdGenerator(_clock, worker));

    [Theory]
    [InlineData(0)]
    [InlineData(IdGenerator.MaxWorker)]
    public void The_lowest_and_highest_worker_numbers_are_accepted(int worker) =>
        Assert.Equal(worker, WorkerOf(new IdGenerator(_clock, worker).Next()));

    [Fact]
    public void Has_room_for_1024_workers() => Assert.Equal((1 << WorkerBits) - 1, IdGenerator.MaxWorker);

    /// <summary>A wall clock that can step back, as NTP does; FakeTimeProvider refuses to go back in time.</summary>
    private sealed class SteppingClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}

public class IssuingIdsBeforeTheEpoch
{
    [Fact]
    public void A_clock_before_2024_never_yields_id_zero()
    {
        var generator = new PromotionEngine.Kernel.IdGenerator(
            new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2023, 6, 1, 0, 0, 0, TimeSpan.Zero)), worker: 0);
        Assert.NotEqual(0, generator.Next());
        Assert.True(generator.Next() > 0);
    }
}
