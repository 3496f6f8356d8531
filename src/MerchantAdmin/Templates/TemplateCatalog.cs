using Microsoft.Extensions.Caching.Memory;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Kernel;
using PromotionEngine.MerchantAdmin.Campaigns;

namespace PromotionEngine.MerchantAdmin.Templates;

/// <summary>
/// Answers other modules' questions about templates (the query port in Contracts) from a bounded cache,
/// so the claim hot path does not read the database per claim. Ids that do not exist are cached too, so
/// a flood of bogus ids never reaches the database. This process's own changes drop the entry at once;
/// other instances see a change within <see cref="Freshness"/>.
/// </summary>
internal sealed class TemplateCatalog(ICouponTemplates templates, IMemoryCache cache, CampaignTerms campaigns) : ICouponTemplateCatalog
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(2);

    // Bumped by every change; a read that started before a change is not cached after it (it may be stale).
    private long _changes;

    public async Task<CouponTemplateSnapshot?> FindAsync(TemplateId id, CancellationToken ct)
    {
        if (cache.TryGetValue(Key(id), out CouponTemplateSnapshot? cached)) return cached;
        var changesBefore = Interlocked.Read(ref _changes);
        var snapshot = await templates.FindAsync(id, ct) is { } t ? Snapshot(t) with { Budgets = await campaigns.OfAsync(t.Id, ct) } : null;
        if (Interlocked.Read(ref _changes) == changesBefore)
            cache.Set(Key(id), snapshot, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = Freshness, Size = 1 });
        return snapshot;
    }

    /// <summary>Called after a change to the template commits.</summary>
    public void Forget(TemplateId id)
    {
        Interlocked.Increment(ref _changes);
        cache.Remove(Key(id));
    }

    private static object Key(TemplateId id) => (typeof(TemplateCatalog), id.Value);

    private static CouponTemplateSnapshot Snapshot(CouponTemplate t) =>
        new(
            t.Id, t.Merchant, t.Currency, t.TerminatedAt is not null, t.ValidFrom,
            t.ValidUntil, t.ValidityAfterClaim, t.Stock, t.PerUserLimit, t.Version, t.PeriodLimits.TimeZone, t.PeriodLimits.PerUserDailyLimit,
            t.PeriodLimits.PerUserWeeklyLimit, t.PeriodLimits.PerUserMonthlyLimit,
            Audience: t.Audience,
            Gift: t.Benefit.Gift is { } gift ? GiftStock.Of(t.Id, t.GiftStock, gift.Quantity) : null);
}
