using Microsoft.Extensions.Options;
using PromotionEngine.Contracts.Http.Search;
using PromotionEngine.Search.Querying;
using PromotionEngine.Search.Templates;

namespace PromotionEngine.Search.Index;

/// <summary>
/// This instance's search read model. Searches use the current generation; a build (at start, or asked for by an
/// operator) fills a new generation from the event log while live events go to both, then replaces the current one.
/// Live events that arrive before the first build began start it (they are kept, and the replay skips what they
/// already applied), so nothing delivered while the instance starts is lost. A rebuild also starts from the latest
/// live templates (the last <see cref="RecentLiveTemplates"/> applied): an event is delivered by the broker before the
/// relay's transaction puts it in the event log, so a rebuild that reads the log in between would miss it.
/// </summary>
internal sealed class SearchIndex(IOptions<SearchOptions> options, SearchMetrics metrics, TimeProvider clock) : IDisposable
{
    private readonly CouponTextAnalyzer _analyzer = new();
    private readonly Lock _gate = new();
    private readonly ReaderWriterLockSlim _swap = new();
    private readonly Dictionary<long, (IndexedTemplate Template, long Seq)> _recent = [];
    private readonly Queue<(long Id, long Seq)> _recentOrder = new();
    private long _recentSeq;
    private IndexGeneration? _current;
    private IndexGeneration? _building;
    private bool _replaying;
    private DateTimeOffset? _lastOccurredAt;
    private DateTimeOffset? _lastAppliedAt;
    private double? _lastLag;
    private DateTimeOffset? _rebuildStartedAt;
    private DateTimeOffset? _rebuildFinishedAt;
    private long? _rebuildEvents;

    /// <summary>How many of the latest live templates a rebuild starts from (far more than a relay round publishes).</summary>
    public const int RecentLiveTemplates = 4096;

    public CouponTextAnalyzer Analyzer => _analyzer;

    public bool Ready
    {
        get { lock (_gate) return _current is not null; }
    }

    /// <summary>A template event as it arrives: applied to the current index and to one being built.</summary>
    public void Apply(IndexedTemplate template, DateTimeOffset occurredAt)
    {
        bool applied;
        lock (_gate)
        {
            if (_current is null && _building is null) _building = NewGeneration();
            applied = _current?.Apply(template) ?? false;
            applied = (_building?.Apply(template) ?? false) || applied;
            Remember(template);
            var now = clock.GetUtcNow();
            if (applied)
            {
                (_lastOccurredAt, _lastAppliedAt, _lastLag) = (occurredAt, now, Math.Max((now - occurredAt).TotalSeconds, 0));
            }
            metrics.Arrived(applied, now - occurredAt);
        }
    }

    /// <summary>Starts a build from the event log: the generation to fill, or null when a build is already replaying.</summary>
    public IndexGeneration? BeginRebuild()
    {
        lock (_gate)
        {
            if (_replaying) return null;
            _replaying = true;
            if (_building is null)
            {
                _building = NewGeneration();
                foreach (var (template, _) in _recent.Values) _building.Apply(template);
            }
            _rebuildStartedAt = clock.GetUtcNow();
            return _building;
        }
    }

    private void Remember(IndexedTemplate template)
    {
        if (_recent.TryGetValue(template.Id, out var known) && !template.Revision.Supersedes(known.Template.Revision)) return;
        var seq = ++_recentSeq;
        _recent[template.Id] = (template, seq);
        _recentOrder.Enqueue((template.Id, seq));
        while (_recentOrder.Count > RecentLiveTemplates)
        {
            var (id, oldest) = _recentOrder.Dequeue();
            if (_recent.TryGetValue(id, out var entry) && entry.Seq == oldest) _recent.Remove(id);
        }
    }

    /// <summary>The replay reached the end of the log: the new generation becomes the one searches use.</summary>
    public void CompleteRebuild(IndexGeneration generation, long events)
    {
        generation.Refresh(wait: true);
        IndexGeneration? old;
        lock (_gate)
        {
            if (!ReferenceEquals(generation, _building)) throw new InvalidOperationException("Not the generation being built.");
            _swap.EnterWriteLock();
            try
            {
                old = _current;
                _current = generation;
            }
            finally
            {
                _swap.ExitWriteLock();
            }
            (_building, _replaying) = (null, false);
            (_rebuildFinishedAt, _rebuildEvents) = (clock.GetUtcNow(), events);
            metrics.Documents(generation.Documents);
        }
        metrics.Rebuilt(completed: true);
        // No search or refresh holds the old generation any more (the swap waited for them); its files go with it.
        DisposeAlone(old);
    }

    /// <summary>The replay failed: a rebuild drops its generation; the first build keeps it (live events went there) for the next try.</summary>
    public void AbandonRebuild(IndexGeneration generation)
    {
        IndexGeneration? dropped = null;
        lock (_gate)
        {
            _replaying = false;
            if (_current is not null && ReferenceEquals(generation, _building))
            {
                dropped = _building;
                _building = null;
            }
        }
        metrics.Rebuilt(completed: false);
        DisposeAlone(dropped);
    }

    /// <summary>Disposes a generation no search or refresh is using: they hold the swap's read lock while they do.</summary>
    private void DisposeAlone(IndexGeneration? generation)
    {
        if (generation is null) return;
        _swap.EnterWriteLock();
        try
        {
            generation.Dispose();
        }
        finally
        {
            _swap.ExitWriteLock();
        }
    }

    /// <summary>Makes applied events visible to searches.</summary>
    public void Refresh()
    {
        IndexGeneration? current, building;
        lock (_gate) (current, building) = (_current, _building);
        // Under the swap's read lock, as searches: a rebuild that replaced or dropped a generation meanwhile disposes it only
        // once this is done (a disposed one refreshes nothing). Taken after the gate, never inside it: the swap takes the
        // write lock inside the gate.
        _swap.EnterReadLock();
        try
        {
            current?.Refresh();
            building?.Refresh();
        }
        finally
        {
            _swap.ExitReadLock();
        }
        if (current is not null) metrics.Documents(current.Documents);
    }

    /// <summary>A page of hits, or null while the first build has not finished (the index would be incomplete).</summary>
    public IReadOnlyList<SearchHit>? Search(LuceneQuery query, SearchPosition? after, int count)
    {
        _swap.EnterReadLock();
        try
        {
            return _current?.Search(query, after, count);
        }
        finally
        {
            _swap.ExitReadLock();
        }
    }

    /// <summary>Raw access to the current searcher, for the benchmark's bare-Lucene comparison over this very index.</summary>
    public T BareRead<T>(Func<Lucene.Net.Search.IndexSearcher, T> read)
    {
        _swap.EnterReadLock();
        try
        {
            return (_current ?? throw new InvalidOperationException("The index is not built.")).Read(read);
        }
        finally
        {
            _swap.ExitReadLock();
        }
    }

    public SearchIndexStatus Status()
    {
        lock (_gate)
        {
            return new SearchIndexStatus(_current is null ? "BUILDING" : "READY", _replaying, _current?.Documents ?? 0,
                _lastOccurredAt, _lastAppliedAt, _lastLag, _rebuildStartedAt, _rebuildFinishedAt, _rebuildEvents);
        }
    }

    private IndexGeneration NewGeneration()
    {
        var root = options.Value.IndexDirectory;
        var keepFirstPages = options.Value.KeepFirstPages;
        if (root.Equals("memory", StringComparison.OrdinalIgnoreCase)) return new IndexGeneration(null, _analyzer, keepFirstPages);
        var parent = string.IsNullOrWhiteSpace(root) ? Path.Combine(Path.GetTempPath(), "promotion-search") : root;
        return new IndexGeneration(Path.Combine(parent, $"index-{Environment.ProcessId}-{Guid.NewGuid():N}"), _analyzer, keepFirstPages);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _current?.Dispose();
            _building?.Dispose();
            (_current, _building) = (null, null);
        }
        _analyzer.Dispose();
        _swap.Dispose();
    }
}
