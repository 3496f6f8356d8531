using PromotionEngine.Contracts.Engine;
using PromotionEngine.Kernel;
using PromotionEngine.Search.Index;
using PromotionEngine.Search.Querying;
using static PromotionEngine.Search.Tests.AnIndex;

namespace PromotionEngine.Search.Tests;

public sealed class PagingThroughResults : IDisposable
{
    private readonly AnIndex _index = new();

    private List<long> EveryPage(TemplateQuery query, int limit)
    {
        var seen = new List<long>();
        SearchPosition? after = null;
        while (true)
        {
            var page = _index.Find(query with { After = after }, limit);
            seen.AddRange(page.Select(h => h.Template.Id));
            if (page.Count < limit) return seen;
            // Through the cursor text, as a client would.
            Assert.True(SearchCursor.TryDecode(SearchCursor.Encode(page[^1].Position), query.Text is not null, out after));
        }
    }

    [Fact]
    public void Pages_of_a_text_query_cover_every_hit_once_in_order()
    {
        var templates = Enumerable.Range(0, 23)
            .Select(i => ATemplate.Named(i % 3 == 0 ? "满减 满减 优惠" : i % 3 == 1 ? "满减优惠券" : "优惠", i % 2 == 0 ? "满减" : ""))
            .ToArray();
        _index.With(templates);

        var all = _index.Ids(Text("优惠"));
        Assert.Equal(23, all.Count);
        Assert.Equal(all, EveryPage(Text("优惠"), 5));
    }

    [Fact]
    public void Pages_without_text_run_newest_first_with_no_gap_or_repeat()
    {
        var templates = Enumerable.Range(0, 17).Select(i => ATemplate.Named("t" + i)).ToArray();
        _index.With(templates);

        Assert.Equal(templates.Select(t => t.Id).Reverse(), EveryPage(All, 4));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_cursor_of_one_kind_is_refused_by_a_query_of_the_other(bool scored)
    {
        var cursor = SearchCursor.Encode(new SearchPosition(scored ? 1.25f : null, 42));

        Assert.True(SearchCursor.TryDecode(cursor, scored, out var position));
        Assert.Equal(new SearchPosition(scored ? 1.25f : null, 42), position);
        Assert.False(SearchCursor.TryDecode(cursor, !scored, out _));
        Assert.False(SearchCursor.TryDecode("not-a-cursor", scored, out _));
    }

    [Fact]
    public async Task Sold_out_templates_are_skipped_and_the_page_is_still_filled()
    {
        var templates = Enumerable.Range(0, 30).Select(i => ATemplate.Named("券" + i) with { Stock = 10 }).ToArray();
        _index.With(templates);
        var soldOut = templates.Where((_, i) => i % 3 != 0).Select(t => t.Id).ToHashSet(); // two in three
        var pages = new StockedPages(_index.Index, new Issuance(id => soldOut.Contains(id) ? 10 : 4));
        var query = LuceneQueries.For(All, _index.Index.Analyzer)!;

        var first = (await pages.ReadAsync(query, null, 4, inStockOnly: true, CancellationToken.None))!;
        var second = (await pages.ReadAsync(query, first.Next, 4, inStockOnly: true, CancellationToken.None))!;

        var expected = templates.Select(t => t.Id).Reverse().Where(id => !soldOut.Contains(id)).ToList();
        Assert.Equal(expected.Take(4), first.Items.Select(i => i.Hit.Template.Id));
        Assert.Equal(expected.Skip(4).Take(4), second.Items.Select(i => i.Hit.Template.Id));
        Assert.All(first.Items, i => Assert.Equal(4, i.Issued));
    }

    [Fact]
    public async Task The_last_page_of_stocked_templates_has_no_cursor()
    {
        var templates = Enumerable.Range(0, 5).Select(i => ATemplate.Named("券" + i)).ToArray();
        _index.With(templates);
        var pages = new StockedPages(_index.Index, new Issuance(_ => 0));

        var page = (await pages.ReadAsync(LuceneQueries.For(All, _index.Index.Analyzer)!, null, 5, inStockOnly: true, CancellationToken.None))!;

        Assert.Equal(5, page.Items.Count);
        Assert.Null(page.Next);
    }

    private sealed class Issuance(Func<long, long> issued) : ICouponIssuance
    {
        public Task<IReadOnlyDictionary<TemplateId, long>> IssuedAsync(IReadOnlyCollection<TemplateId> templates, CancellationToken ct) =>
            Task.FromResult<IReadOnlyDictionary<TemplateId, long>>(templates.ToDictionary(t => t, t => issued(t.Value)));
    }

    public void Dispose() => _index.Dispose();
}
