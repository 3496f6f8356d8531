using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Search.Index;
using PromotionEngine.Search.Querying;
using PromotionEngine.Search.Templates;

namespace PromotionEngine.Search.Tests;

/// <summary>Templates in the words of the tests: a name, a scope, a window around the clock's now.</summary>
internal static class ATemplate
{
    public static readonly DateTimeOffset Now = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
    private static long _next = 1_000;

    public static IndexedTemplate Named(string name, string description = "", long? id = null) => new(
        id ?? Interlocked.Increment(ref _next), MerchantId: 7, name, description, "CNY", "PLATFORM", ShopId: null, ProductIds: [], CategoryIds: [],
        "THRESHOLD", DiscountAmount: 2000, ThresholdAmount: 10000, PercentOff: null, MaxDiscountAmount: null,
        ValidFrom: Now.AddDays(-1), ValidUntil: Now.AddDays(30), Stock: 100, PerUserLimit: 2, TerminatedAt: null, Ended: false, Version: 0,
        CreatedAt: Now.AddDays(-2), UpdatedAt: Now.AddDays(-2));

    public static IndexedTemplate ForProducts(this IndexedTemplate t, params long[] products) => t with { Scope = "PRODUCTS", ProductIds = products };

    public static IndexedTemplate ForCategories(this IndexedTemplate t, params long[] categories)
        => t with { Scope = "CATEGORIES", CategoryIds = categories };

    public static IndexedTemplate ForShop(this IndexedTemplate t, long shop) => t with { Scope = "SHOP", ShopId = shop };

    public static IndexedTemplate Changed(this IndexedTemplate t, Func<IndexedTemplate, IndexedTemplate> change)
        => change(t) with { Version = t.Version + 1 };
}

/// <summary>A ready index in memory with a fake clock; applied templates are visible at once.</summary>
internal sealed class AnIndex : IDisposable
{
    public AnIndex(bool keepFirstPages = true)
    {
        Clock = new FakeTimeProvider(ATemplate.Now);
        Index = new SearchIndex(Options.Create(new SearchOptions { IndexDirectory = "memory", KeepFirstPages = keepFirstPages }), Metrics, Clock);
        var first = Index.BeginRebuild()!;
        Index.CompleteRebuild(first, 0);
    }

    public FakeTimeProvider Clock { get; }

    public SearchMetrics Metrics { get; } = new();

    public SearchIndex Index { get; }

    public AnIndex With(params IndexedTemplate[] templates)
    {
        foreach (var t in templates) Index.Apply(t, Clock.GetUtcNow());
        Index.Refresh();
        return this;
    }

    public IReadOnlyList<SearchHit> Find(TemplateQuery query, int count = 100) =>
        Index.Search(LuceneQueries.For(query, Index.Analyzer) ?? throw new InvalidOperationException("No searchable word."), query.After, count)!;

    public IReadOnlyList<long> Ids(TemplateQuery query, int count = 100) => Find(query, count).Select(h => h.Template.Id).ToList();

    public IReadOnlyList<long> Exposed(ExposureQuery query, int count = 100) =>
        Index.Search(LuceneQueries.For(query), query.After, count)!.Select(h => h.Template.Id).ToList();

    public static TemplateQuery Text(string text) => new(text, null, null, null, null, null, null, null, 100);

    public static TemplateQuery All => new(null, null, null, null, null, null, null, null, 100);

    public void Dispose()
    {
        Index.Dispose();
        Metrics.Dispose();
    }
}
