using System.Globalization;
using PromotionEngine.Contracts.Engine;
using PromotionEngine.Contracts.Http;
using PromotionEngine.Contracts.Http.Search;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Kernel;
using PromotionEngine.Search.Index;
using PromotionEngine.Search.Templates;

namespace PromotionEngine.Search.Querying;

/// <summary>Full text and filters over every template: relevance then recency with a text query, recency without.</summary>
internal sealed class FindTemplates(SearchIndex index, StockedPages pages, TimeProvider clock, ICampaignTemplates campaigns)
{
    /// <summary>Null while the index is not ready.</summary>
    public async Task<Page<TemplateSearchHit>?> HandleAsync(TemplateQuery query, CancellationToken ct)
    {
        var members = query.Campaign is { } campaign ? (await campaigns.OfAsync(campaign, ct)).Select(t => t.Value).ToList() : null;
        var lucene = LuceneQueries.For(query, index.Analyzer, members);
        if (lucene is null) return index.Ready ? new Page<TemplateSearchHit>([], null) : null;
        var page = await pages.ReadAsync(lucene, query.After, query.Limit, inStockOnly: query.ClaimableAt is not null, ct);
        if (page is null) return null;
        var now = clock.GetUtcNow();
        return new Page<TemplateSearchHit>(page.Items.Select(i => i.Hit.Template.ToHit(now, i.Hit.Position.Score)).ToList(),
            page.Next is { } next ? SearchCursor.Encode(next) : null);
    }
}

/// <summary>
/// What a shopper can claim on a product or shop page right now: open templates that apply there, with stock left, newest
/// first; for a signed-in user also how many more of each they may claim (from the engine's claim counts). A template for an
/// audience is shown only to its members (the engine's <see cref="IAudienceMembership"/>), never to an anonymous caller: a page
/// may then hold fewer items than its limit, and nextCursor still continues it.
/// </summary>
internal sealed class ExposeTemplates(StockedPages pages, IUserClaimCounts claims, IAudienceMembership audiences, ICouponTemplateCatalog catalog)
{
    /// <summary>Null while the index is not ready.</summary>
    public async Task<Page<ExposedTemplate>?> HandleAsync(ExposureQuery query, UserId? user, CancellationToken ct)
    {
        var page = await pages.ReadAsync(LuceneQueries.For(query), query.After, query.Limit, inStockOnly: true, ct);
        if (page is null) return null;
        var shown = await ForThisUserAsync(await InOpenCampaignsAsync(page.Items, query.Now, ct), user, ct);
        var claimed = user is { } u && shown.Count > 0
            ? await claims.ClaimedAsync(u, shown.Select(i => new TemplateId(i.Hit.Template.Id)).ToArray(), ct)
            : null;
        return new Page<ExposedTemplate>(shown.Select(i =>
            {
                var t = i.Hit.Template;
                int? remaining = claimed is null ? null : Math.Max(t.PerUserLimit - claimed.GetValueOrDefault(new TemplateId(t.Id)), 0);
                return t.ToExposed(t.Stock - (i.Issued ?? 0), remaining);
            }).ToList(),
            page.Next is { } next ? SearchCursor.Encode(next) : null);
    }

    /// <summary>
    /// A campaign's window closes its templates' claims (docs/campaigns.md): such a template is not offered outside it. The
    /// index does not know campaigns (joining raises no event), so the catalogue's snapshot (cached) is asked per item.
    /// </summary>
    private async Task<IReadOnlyList<(SearchHit Hit, long? Issued)>> InOpenCampaignsAsync(
        IReadOnlyList<(SearchHit Hit, long? Issued)> items, DateTimeOffset now, CancellationToken ct)
    {
        var open = new List<(SearchHit Hit, long? Issued)>(items.Count);
        foreach (var item in items)
        {
            var terms = (await catalog.FindAsync(new TemplateId(item.Hit.Template.Id), ct))?.BudgetTerms;
            if (terms is { CampaignValidFrom: { } from } && now < from) continue;
            if (terms is { CampaignValidUntil: { } until } && now >= until) continue;
            open.Add(item);
        }
        return open;
    }

    /// <summary>Audiences (docs/audiences.md): the items the caller may see, one membership query for the whole page.</summary>
    private async Task<IReadOnlyList<(SearchHit Hit, long? Issued)>> ForThisUserAsync(
        IReadOnlyList<(SearchHit Hit, long? Issued)> items, UserId? user, CancellationToken ct)
    {
        var required = items.Select(i => i.Hit.Template.AudienceId).OfType<long>().Distinct().Select(a => new AudienceId(a)).ToArray();
        if (required.Length == 0) return items;
        var memberOf = user is { } u ? await audiences.MemberOfAsync(u, required, ct) : new HashSet<AudienceId>();
        return items.Where(i => i.Hit.Template.AudienceId is not { } a || memberOf.Contains(new AudienceId(a))).ToList();
    }
}

internal static class SearchResponses
{
    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    public static TemplateSearchHit ToHit(this IndexedTemplate t, DateTimeOffset now, float? score) => new(
        Id(t.Id), Id(t.MerchantId), t.Name, t.Description, t.Currency, t.Scope, t.ShopId is { } s ? Id(s) : null,
        t.ProductIds.Select(Id).ToList(), t.CategoryIds.Select(Id).ToList(), t.Type, t.DiscountAmount, t.ThresholdAmount, t.PercentOff,
        t.MaxDiscountAmount, t.ValidFrom, t.ValidUntil, t.Stock, t.PerUserLimit, t.StatusAt(now), t.OpenAt(now), t.Version, t.CreatedAt,
        t.UpdatedAt, score, t.TimeZone, t.PerUserDailyLimit, t.PerUserWeeklyLimit, t.PerUserMonthlyLimit);

    public static ExposedTemplate ToExposed(this IndexedTemplate t, long stockLeft, int? remainingForYou) => new(
        Id(t.Id), Id(t.MerchantId), t.Name, t.Description, t.Currency, t.Scope, t.ShopId is { } s ? Id(s) : null, t.Type,
        t.DiscountAmount, t.ThresholdAmount, t.PercentOff, t.MaxDiscountAmount, t.ValidFrom, t.ValidUntil, stockLeft, t.PerUserLimit,
        remainingForYou);
}
