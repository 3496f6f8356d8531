using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;
using PromotionEngine.Search.Querying;
using PromotionEngine.Search.Templates;
using static PromotionEngine.Search.Index.TemplateDocuments;

namespace PromotionEngine.Search.Index;

/// <summary>A validated query in Lucene's terms: what must match (the window included) and the order.</summary>
internal sealed record LuceneQuery(Query Query, bool Scored)
{
    /// <summary>
    /// What identifies this query's first page while the index stands still (compared by value), so a repeated search
    /// can be answered from the last one; null when the results also depend on the time (a claim window).
    /// </summary>
    public object? FirstPageKey { get; init; }

    /// <summary>
    /// The window is checked per document the terms matched (query first): Lucene's default would first look for the
    /// filter's first matching document, a walk through every document older than the first open one.
    /// </summary>
    public static LuceneQuery Within(Query query, DateTimeOffset? openAt, bool scored) => new(
        openAt is { } at ? new FilteredQuery(query, new OpenWindowFilter(at), FilteredQuery.QUERY_FIRST_FILTER_STRATEGY) : query, scored);

    /// <summary>Relevance, then newest first (template ids are time-ordered).</summary>
    public static readonly Sort ByRelevance = new(SortField.FIELD_SCORE, Newest);

    public static readonly Sort ByRecency = new(Newest);

    private static SortField Newest => new(Recency, FieldCache.NUMERIC_UTILS_INT64_PARSER, reverse: true);

    public Sort Sort => Scored ? ByRelevance : ByRecency;
}

internal static class LuceneQueries
{
    /// <summary>Characters standing together as in the query (a CJK bigram) count more than the characters alone.</summary>
    private const float BigramBoost = 1.5f;

    /// <summary>
    /// Null when the text has no searchable word (only punctuation), or the campaign has no template: nothing can match.
    /// <paramref name="campaignTemplates"/>: the templates of <see cref="TemplateQuery.Campaign"/>, as merchant-admin has them now.
    /// </summary>
    public static LuceneQuery? For(TemplateQuery q, CouponTextAnalyzer analyzer, IReadOnlyList<long>? campaignTemplates = null)
    {
        var query = new BooleanQuery();
        var scored = false;
        if (q.Text is { } text)
        {
            var terms = analyzer.TermsOf(text);
            if (terms.Required.Count == 0) return null;
            foreach (var word in terms.Required) query.Add(new TermQuery(new Term(Text, word)), Occur.MUST);
            foreach (var bigram in terms.Boosting) query.Add(new TermQuery(new Term(Text, bigram)) { Boost = BigramBoost }, Occur.SHOULD);
            scored = true;
        }
        if (q.Merchant is { } merchant) query.Add(Exact(Merchant, Key(merchant)), Occur.MUST);
        if (q.Scope is { } scope) query.Add(Exact(TemplateDocuments.Scope, scope), Occur.MUST);
        if (q.Type is { } type) query.Add(Exact(TemplateDocuments.Type, type), Occur.MUST);
        if (q.Product is { } product) query.Add(Exact(Product, Key(product)), Occur.MUST);
        if (q.Category is { } category) query.Add(Exact(Category, Key(category)), Occur.MUST);
        if (q.ClaimableAt is not null) query.Add(Exact(Open, OpenValue), Occur.MUST);
        if (q.Audience is { } audience) query.Add(Exact(TemplateDocuments.Audience, Key(audience)), Occur.MUST);
        if (q.RequiresAudience is { } requires)
        {
            if (!requires && !query.Clauses.Any(c => c.Occur == Occur.MUST)) query.Add(new MatchAllDocsQuery(), Occur.MUST);
            query.Add(Exact(AudienceRequired, OpenValue), requires ? Occur.MUST : Occur.MUST_NOT);
        }
        if (q.Campaign is not null)
        {
            if (campaignTemplates is not { Count: > 0 }) return null;
            var members = new BooleanQuery();
            foreach (var id in campaignTemplates) members.Add(Exact(Id, Key(id)), Occur.SHOULD);
            query.Add(new ConstantScoreQuery(members), Occur.MUST);
        }
        Query root = query.Clauses.Count == 0 ? new MatchAllDocsQuery() : query;
        var lucene = LuceneQuery.Within(root, q.ClaimableAt, scored);
        // A campaign's templates change without the index changing (joining raises no event): its pages are never reused.
        return q.ClaimableAt is null && q.Campaign is null ? lucene with { FirstPageKey = q with { After = null, Limit = 0 } } : lucene;
    }

    /// <summary>Open templates that apply on the page: PLATFORM ones and those naming the product, the shop or the category.</summary>
    public static LuceneQuery For(ExposureQuery q)
    {
        var applies = new BooleanQuery { { Exact(Scope, IndexedTemplate.Platform), Occur.SHOULD } };
        if (q.Product is { } product) applies.Add(Exact(Product, Key(product)), Occur.SHOULD);
        if (q.Shop is { } shop) applies.Add(Exact(Shop, Key(shop)), Occur.SHOULD);
        if (q.Category is { } category) applies.Add(Exact(Category, Key(category)), Occur.SHOULD);
        var query = new BooleanQuery
        {
            { Exact(Open, OpenValue), Occur.MUST },
            { new ConstantScoreQuery(applies), Occur.MUST },
        };
        return LuceneQuery.Within(query, q.Now, scored: false);
    }

    private static TermQuery Exact(string field, string value) => new(new Term(field, value));
}

/// <summary>
/// Documents whose claim window holds the instant: validFrom ≤ now &lt; validUntil, read from the segment's number arrays
/// per candidate (random access), so the window costs two array reads per document the rest of the query matched.
/// </summary>
internal sealed class OpenWindowFilter(DateTimeOffset now) : Filter
{
    private readonly long _now = now.ToUnixTimeMilliseconds();

    public override DocIdSet? GetDocIdSet(AtomicReaderContext context, IBits? acceptDocs)
    {
        var reader = context.AtomicReader;
        return new Window(reader.MaxDoc, acceptDocs, NumberArrays.Of(reader, ValidFrom), NumberArrays.Of(reader, ValidUntil), _now);
    }

    private sealed class Window(int maxDoc, IBits? acceptDocs, FieldCache.Int64s from, FieldCache.Int64s until, long now)
        : FieldCacheDocIdSet(maxDoc, acceptDocs)
    {
        protected override bool MatchDoc(int doc) => from.Get(doc) <= now && now < until.Get(doc);
    }
}
