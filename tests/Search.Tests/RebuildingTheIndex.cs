using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Search.Index;
using static PromotionEngine.Search.Tests.AnIndex;

namespace PromotionEngine.Search.Tests;

public sealed class RebuildingTheIndex : IDisposable
{
    private readonly FakeTimeProvider _clock = new(ATemplate.Now);
    private readonly SearchMetrics _metrics = new();
    private readonly SearchIndex _index;

    public RebuildingTheIndex() => _index = new SearchIndex(Options.Create(new SearchOptions { IndexDirectory = "memory" }), _metrics, _clock);

    private IReadOnlyList<long> Ids() => _index.Search(LuceneQueries.For(All, _index.Analyzer)!, null, 100)!.Select(h => h.Template.Id).ToList();

    [Fact]
    public async Task Refreshing_while_rebuilds_replace_the_index_never_touches_a_replaced_one()
    {
        var first = _index.BeginRebuild()!;
        first.Apply(ATemplate.Named("first"));
        _index.CompleteRebuild(first, 1);
        using var stop = new CancellationTokenSource();
        // The worker's refresh loop, as fast as it goes, while an operator's rebuilds replace the generation under it.
        var refreshing = Task.Run(() =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                _index.Apply(ATemplate.Named($"live {i}"), ATemplate.Now);
                _index.Refresh();
            }
        });
        for (var round = 0; round < 300 && !refreshing.IsCompleted; round++)
        {
            var rebuild = _index.BeginRebuild()!;
            rebuild.Apply(ATemplate.Named($"rebuilt {round}"));
            _index.CompleteRebuild(rebuild, 1);
        }
        await stop.CancelAsync();
        await refreshing; // rethrows what the refresh loop met
    }

    /// <summary>
    /// The broker delivers an event before the relay's transaction writes it to the event log: a rebuild that reads the log
    /// in between finds the older revision, and used to answer with it from then on.
    /// </summary>
    [Fact]
    public void A_live_change_the_event_log_does_not_hold_yet_survives_a_rebuild()
    {
        var v0 = ATemplate.Named("年货节优惠券");
        var first = _index.BeginRebuild()!;
        first.Apply(v0);
        _index.CompleteRebuild(first, 1);
        var v1 = v0.Changed(t => t with { Name = "年货节 全场通用" });
        _index.Apply(v1, ATemplate.Now);

        var rebuild = _index.BeginRebuild()!;
        rebuild.Apply(v0); // the log as the rebuild reads it: the change is not there yet
        _index.CompleteRebuild(rebuild, 1);

        var hit = Assert.Single(_index.Search(LuceneQueries.For(All, _index.Analyzer)!, null, 10)!);
        Assert.Equal("年货节 全场通用", hit.Template.Name);
    }

    [Fact]
    public void Nothing_is_answered_before_the_first_build_completes()
    {
        var early = ATemplate.Named("arrived while starting");
        _index.Apply(early, ATemplate.Now);

        Assert.Null(_index.Search(LuceneQueries.For(All, _index.Analyzer)!, null, 10));
        Assert.Equal("BUILDING", _index.Status().State);
    }

    [Fact]
    public void An_event_that_arrives_before_the_first_build_is_kept_and_the_replay_skips_its_older_history()
    {
        var v0 = ATemplate.Named("v0");
        var v1 = v0.Changed(t => t with { Name = "v1" });
        _index.Apply(v1, ATemplate.Now); // live, before the build began

        var generation = _index.BeginRebuild()!;
        generation.Apply(v0); // the log's history, older
        generation.Apply(v1);
        _index.CompleteRebuild(generation, 2);

        Assert.Equal("v1", Assert.Single(_index.Search(LuceneQueries.For(All, _index.Analyzer)!, null, 10)!).Template.Name);
        Assert.Equal("READY", _index.Status().State);
    }

    [Fact]
    public void A_rebuild_starts_from_nothing_keeps_answering_from_the_old_index_and_takes_live_events_along()
    {
        var kept = ATemplate.Named("in the log");
        var first = _index.BeginRebuild()!;
        first.Apply(kept);
        first.Apply(ATemplate.Named("only in the old index (not in the log)"));
        _index.CompleteRebuild(first, 2);

        var rebuild = _index.BeginRebuild()!;
        Assert.Null(_index.BeginRebuild()); // one at a time
        rebuild.Apply(kept);
        var live = ATemplate.Named("arrived during the rebuild");
        _index.Apply(live, ATemplate.Now);
        _index.Refresh();
        Assert.Equal(3, Ids().Count); // searches still see the old index, plus the live event

        _index.CompleteRebuild(rebuild, 1);

        Assert.Equal([live.Id, kept.Id], Ids());
        Assert.Equal(1, _index.Status().LastRebuildEvents);
    }

    [Fact]
    public void A_failed_rebuild_leaves_the_old_index_answering()
    {
        var t = ATemplate.Named("x");
        var first = _index.BeginRebuild()!;
        first.Apply(t);
        _index.CompleteRebuild(first, 1);

        var failed = _index.BeginRebuild()!;
        _index.AbandonRebuild(failed);

        Assert.Equal([t.Id], Ids());
        Assert.False(_index.Status().Rebuilding);
        Assert.NotNull(_index.BeginRebuild());
    }

    public void Dispose()
    {
        _index.Dispose();
        _metrics.Dispose();
    }
}
