using System.Collections.Concurrent;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using PromotionEngine.Search.Querying;
using PromotionEngine.Search.Templates;
using Directory = Lucene.Net.Store.Directory;

namespace PromotionEngine.Search.Index;

/// <summary>
/// One index built from the template history: a Lucene directory (its own folder, deleted with it, or memory), its writer,
/// the near-real-time searchers, and the revision applied per template. Never committed: the index is rebuilt from the
/// event log whenever an instance starts, so it needs no durability of its own.
/// </summary>
internal sealed class IndexGeneration : IDisposable
{
    private readonly Directory _directory;
    private readonly string? _folder;
    private readonly IndexWriter _writer;
    private readonly SearcherManager _searchers;
    private readonly Dictionary<long, TemplateRevision> _revisions = [];
    private readonly System.Threading.Lock _apply = new();
    private volatile bool _dirty;
    private volatile bool _disposed;
    private readonly bool _keepFirstPages;
    private volatile FirstPages? _firstPages;

    public IndexGeneration(string? folder, CouponTextAnalyzer analyzer, bool keepFirstPages)
    {
        _folder = folder;
        _keepFirstPages = keepFirstPages;
        if (folder is null) _directory = new RAMDirectory();
        else
        {
            System.IO.Directory.CreateDirectory(folder);
            _directory = FSDirectory.Open(folder);
        }
        _writer = new IndexWriter(_directory, new IndexWriterConfig(CouponTextAnalyzer.Version, analyzer)
        {
            OpenMode = OpenMode.CREATE,
            RAMBufferSizeMB = 64,
            MergedSegmentWarmer = new NumberArrays.MergeWarmer(),
        });
        _searchers = new SearcherManager(_writer, applyAllDeletes: true, new NumberArrays.Searchers());
    }

    public int Documents
    {
        get { lock (_apply) return _revisions.Count; }
    }

    /// <summary>Applies the template if it is later than what this index holds; false for a repeat or an older revision.</summary>
    public bool Apply(IndexedTemplate template)
    {
        lock (_apply)
        {
            var applied = _revisions.TryGetValue(template.Id, out var r) ? r : (TemplateRevision?)null;
            if (!template.Revision.Supersedes(applied)) return false;
            _writer.UpdateDocument(new Term(TemplateDocuments.Id, TemplateDocuments.Key(template.Id)), TemplateDocuments.ToDocument(template));
            _revisions[template.Id] = template.Revision;
            _dirty = true;
            return true;
        }
    }

    /// <summary>
    /// Adds a whole catalog (a replay's latest revision of each template) newest first. Documents are numbered in the
    /// order they are added, and a newest-first sort then finds its page in the first documents it visits: every later
    /// (older) one loses to the page's last at one comparison, instead of each newer document displacing an older one
    /// (ascending numbers visited for a descending order: every document would enter the page).
    /// </summary>
    public void Load(IEnumerable<IndexedTemplate> latest)
    {
        foreach (var template in latest.OrderByDescending(t => t.Id)) Apply(template);
    }

    /// <summary>Makes what was applied visible to searches (cheap when nothing changed).</summary>
    public void Refresh(bool wait = false)
    {
        if (_disposed || (!_dirty && !wait)) return; // replaced and gone: nothing left to show
        _dirty = false;
        if (wait) _searchers.MaybeRefreshBlocking();
        else _searchers.MaybeRefresh();
    }

    /// <summary>Up to <paramref name="count"/> hits after <paramref name="after"/> in the query's order.</summary>
    public IReadOnlyList<SearchHit> Search(LuceneQuery query, SearchPosition? after, int count)
    {
        var searcher = _searchers.Acquire();
        try
        {
            var pages = _keepFirstPages && after is null && query.FirstPageKey is not null ? FirstPagesOf(searcher) : null;
            var key = (query.FirstPageKey, count);
            if (pages is not null && pages.Hits.TryGetValue(key, out var cached)) return cached;
            var hits = ReadPage(searcher, query, after, count);
            if (pages is not null)
            {
                // Full: start over, so a burst of one-off searches cannot keep the popular ones out until the next change.
                if (pages.Hits.Count >= FirstPages.MaxQueries) pages.Hits.Clear();
                pages.Hits.TryAdd(key, hits);
            }
            return hits;
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    /// <summary>
    /// First pages of repeated searches, kept for the searcher they were read from: a shop's search box asks the same few
    /// words over and over while the index stands still, and ranking a common word costs milliseconds. A change made
    /// visible comes with a new searcher and so with an empty set: a page is never older than the index it is read from.
    /// </summary>
    private sealed class FirstPages(IndexSearcher searcher)
    {
        public const int MaxQueries = 256;

        public IndexSearcher Searcher { get; } = searcher;

        public ConcurrentDictionary<(object?, int), IReadOnlyList<SearchHit>> Hits { get; } = new();
    }

    private FirstPages FirstPagesOf(IndexSearcher searcher)
    {
        var pages = _firstPages;
        if (pages is not null && ReferenceEquals(pages.Searcher, searcher)) return pages;
        // Searches still on the previous searcher may swap it back meanwhile: pages are only ever read for their own searcher.
        pages = new FirstPages(searcher);
        _firstPages = pages;
        return pages;
    }

    private static List<SearchHit> ReadPage(IndexSearcher searcher, LuceneQuery query, SearchPosition? after, int count)
    {
        var top = after is { } a
            ? searcher.SearchAfter(AfterOf(a, query.Scored), query.Query, null, count, query.Sort, doDocScores: query.Scored, doMaxScore: false)
            : searcher.Search(query.Query, null, count, query.Sort, doDocScores: query.Scored, doMaxScore: false);
        var hits = new List<SearchHit>(top.ScoreDocs.Length);
        foreach (var scoreDoc in top.ScoreDocs)
        {
            var template = TemplateDocuments.Read(searcher.Doc(scoreDoc.Doc));
            hits.Add(new SearchHit(template, new SearchPosition(query.Scored ? scoreDoc.Score : null, template.Id)));
        }
        return hits;
    }

    /// <summary>Runs <paramref name="read"/> on a current searcher: the benchmark's bare-Lucene comparison over this very index.</summary>
    public T Read<T>(Func<IndexSearcher, T> read)
    {
        var searcher = _searchers.Acquire();
        try
        {
            return read(searcher);
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    /// <summary>
    /// The page boundary as Lucene's sort values. The document number is past every real one, so the boundary template
    /// itself (equal on every sort value) is never returned again.
    /// </summary>
    private static FieldDoc AfterOf(SearchPosition position, bool scored) => scored
        ? new FieldDoc(
            int.MaxValue, position.Score ?? 0f,
            [J2N.Numerics.Single.GetInstance(position.Score ?? 0f), J2N.Numerics.Int64.GetInstance(position.TemplateId)])
        : new FieldDoc(int.MaxValue, float.NaN, [J2N.Numerics.Int64.GetInstance(position.TemplateId)]);

    public void Dispose()
    {
        _disposed = true;
        _searchers.Dispose();
        _writer.Dispose();
        _directory.Dispose();
        if (_folder is not null)
        {
            try { System.IO.Directory.Delete(_folder, recursive: true); } catch (IOException) { }
        }
    }
}

/// <summary>One template found, and where it stands in the result order (for the next page's cursor).</summary>
internal sealed record SearchHit(IndexedTemplate Template, SearchPosition Position);
