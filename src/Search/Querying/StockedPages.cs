using PromotionEngine.Contracts.Engine;
using PromotionEngine.Kernel;
using PromotionEngine.Search.Index;

namespace PromotionEngine.Search.Querying;

/// <summary>A page of hits with each template's issued count (when stock was checked) and where the next page starts.</summary>
internal sealed record HitPage(IReadOnlyList<(SearchHit Hit, long? Issued)> Items, SearchPosition? Next);

/// <summary>
/// Reads pages from the index, and where claims must be possible, leaves out sold-out templates. The issued count
/// is the engine's (template events carry the stock, not what was issued), asked for through its port for the
/// candidates of the page only. Each round runs the whole query again, so the first asks for a quarter more than the page (a few
/// sold-out templates cost no second round) and later ones four times more; after <see cref="MaxRounds"/> a page may
/// hold fewer than the limit, and its cursor continues after the last template looked at. A cursor is given whenever
/// the index has more candidates, so the last page may turn out empty when everything after it is sold out.
/// </summary>
internal sealed class StockedPages(SearchIndex index, ICouponIssuance issuance)
{
    public const int MaxRounds = 4;
    private const int MaxRound = 2000;

    /// <summary>Null while the index is not ready.</summary>
    public async Task<HitPage?> ReadAsync(LuceneQuery query, SearchPosition? after, int limit, bool inStockOnly, CancellationToken ct)
    {
        if (!inStockOnly)
        {
            var hits = index.Search(query, after, limit + 1);
            if (hits is null) return null;
            var page = hits.Take(limit).Select(h => (h, (long?)null)).ToList();
            return new HitPage(page, hits.Count > limit ? page[^1].h.Position : null);
        }

        var kept = new List<(SearchHit Hit, long? Issued)>();
        var position = after;
        var round = limit + limit / 4 + 1;
        for (var i = 0; i < MaxRounds; i++)
        {
            var hits = index.Search(query, position, round);
            if (hits is null) return null;
            var issued = await issuance.IssuedAsync(hits.Select(h => new TemplateId(h.Template.Id)).ToArray(), ct);
            for (var j = 0; j < hits.Count; j++)
            {
                var hit = hits[j];
                var count = issued.GetValueOrDefault(new TemplateId(hit.Template.Id));
                if (count >= hit.Template.Stock) continue;
                kept.Add((hit, count));
                var more = j < hits.Count - 1 || hits.Count == round;
                if (kept.Count == limit) return new HitPage(kept, more ? hit.Position : null);
            }
            if (hits.Count < round) return new HitPage(kept, null);
            position = hits[^1].Position;
            round = Math.Min(round * 4, MaxRound);
        }
        return new HitPage(kept, position);
    }
}
