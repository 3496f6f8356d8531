using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Kernel;
using PromotionEngine.MerchantAdmin.Campaigns;

namespace PromotionEngine.MerchantAdmin.Templates;

/// <summary>
/// Answers other modules' questions about templates (the query port in Contracts) from a bounded cache,
/// so the claim hot path does not read the database per claim. Ids that do not exist are cached too, so
/// a flood of bogus ids never reaches the database. This process's own changes drop the entry at once;
/// other instances see a change within <see cref="Freshness"/>. Callers that miss the same id while it is being read share
/// that one read: at every expiry, a template under claim load was read once per claim in flight (with campaign rules its
/// snapshot takes three reads, so the herd grew with them: ~30 round trips per group-commit batch, h17-audience).
/// </summary>
internal sealed class TemplateCatalog(ICouponTemplates templates, IMemoryCache cache, CampaignTerms campaigns) : ICouponTemplateCatalog
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(2);

    // Bumped by every change; a read that started before a change is not cached after it (it may be stale).
    private long _changes;

    // The reads in flight, one per id: a caller that misses joins the one there (a change drops it, so later callers read anew).
    private readonly ConcurrentDictionary<TemplateId, Lazy<Task<CouponTemplateSnapshot?>>> _reading = new();

    public Task<CouponTemplateSnapshot?> FindAsync(TemplateId id, CancellationToken ct)
    {
        if (cache.TryGetValue(Key(id), out CouponTemplateSnapshot? cached)) return Task.FromResult(cached);
        Lazy<Task<CouponTemplateSnapshot?>> mine = null!;
        mine = new Lazy<Task<CouponTemplateSnapshot?>>(() => ReadAsync(id, mine));
        // The shared read runs to its end whoever waits for it; each caller waits only as long as its own token allows.
        return _reading.GetOrAdd(id, mine).Value.WaitAsync(ct);
    }

    /// <summary>
    /// The templates a quote's wallet holds, at once: those cached; those another caller is reading, from its read; all the others
    /// in one read of the templates and one of their budgets, shared with callers that miss them meanwhile. (Each miss read on its
    /// own, a 50-coupon wallet with campaign rules made ~150 round trips one after another at every expiry: the quotes' p99.)
    /// </summary>
    public async Task<IReadOnlyDictionary<TemplateId, CouponTemplateSnapshot>> FindManyAsync(IReadOnlyCollection<TemplateId> ids,
        CancellationToken ct)
    {
        var found = new Dictionary<TemplateId, CouponTemplateSnapshot>(ids.Count);
        var mine = new Dictionary<TemplateId, (Lazy<Task<CouponTemplateSnapshot?>> Entry, TaskCompletionSource<CouponTemplateSnapshot?> Read)>();
        var joined = new List<(TemplateId Id, Task<CouponTemplateSnapshot?> Read)>();
        foreach (var id in ids)
        {
            if (found.ContainsKey(id) || mine.ContainsKey(id) || joined.Exists(j => j.Id == id)) continue;
            if (cache.TryGetValue(Key(id), out CouponTemplateSnapshot? cached))
            {
                if (cached is not null) found[id] = cached;
                continue;
            }
            var read = new TaskCompletionSource<CouponTemplateSnapshot?>(TaskCreationOptions.RunContinuationsAsynchronously);
            var entry = new Lazy<Task<CouponTemplateSnapshot?>>(read.Task);
            var there = _reading.GetOrAdd(id, entry);
            if (ReferenceEquals(there, entry)) mine[id] = (entry, read);
            else joined.Add((id, there.Value));
        }
        // Ours is read before anyone else's is waited for: two callers that each joined the other's read cannot wait on each other.
        if (mine.Count > 0) await ReadManyAsync(mine).WaitAsync(ct);
        foreach (var (id, (_, read)) in mine)
        {
            if (await read.Task is { } snapshot) found[id] = snapshot;
        }
        foreach (var (id, read) in joined)
        {
            if (await read.WaitAsync(ct) is { } snapshot) found[id] = snapshot;
        }
        return found;
    }

    /// <summary>The one read of <paramref name="mine"/>' templates and budgets, which completes and removes their entries.</summary>
    private async Task ReadManyAsync(
        Dictionary<TemplateId, (Lazy<Task<CouponTemplateSnapshot?>> Entry, TaskCompletionSource<CouponTemplateSnapshot?> Read)> mine)
    {
        try
        {
            var changesBefore = Interlocked.Read(ref _changes);
            var read = await templates.FindManyAsync(mine.Keys, CancellationToken.None);
            var budgets = await campaigns.OfManyAsync(read.Select(t => t.Id).ToList(), CancellationToken.None);
            var snapshots = read.ToDictionary(t => t.Id, t => Snapshot(t) with { Budgets = budgets[t.Id] });
            var unchanged = Interlocked.Read(ref _changes) == changesBefore;
            foreach (var (id, (_, result)) in mine)
            {
                var snapshot = snapshots.GetValueOrDefault(id);
                if (unchanged) cache.Set(Key(id), snapshot, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = Freshness, Size = 1 });
                result.TrySetResult(snapshot);
            }
        }
        catch (Exception e)
        {
            foreach (var (_, (_, result)) in mine) result.TrySetException(e);
            throw;
        }
        finally
        {
            foreach (var (id, (entry, _)) in mine) _reading.TryRemove(new KeyValuePair<TemplateId, Lazy<Task<CouponTemplateSnapshot?>>>(id, entry));
        }
    }

    /// <summary>The read of <paramref name="entry"/> (started once it is in place), which removes it when done.</summary>
    private async Task<CouponTemplateSnapshot?> ReadAsync(TemplateId id, Lazy<Task<CouponTemplateSnapshot?>> entry)
    {
        try
        {
            var changesBefore = Interlocked.Read(ref _changes);
            var snapshot = await templates.FindAsync(id, CancellationToken.None) is { } t
                ? Snapshot(t) with { Budgets = await campaigns.OfAsync(t.Id, CancellationToken.None) }
                : null;
            if (Interlocked.Read(ref _changes) == changesBefore)
                cache.Set(Key(id), snapshot, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = Freshness, Size = 1 });
            return snapshot;
        }
        finally
        {
            _reading.TryRemove(new KeyValuePair<TemplateId, Lazy<Task<CouponTemplateSnapshot?>>>(id, entry));
        }
    }

    /// <summary>Called after a change to the template commits.</summary>
    public void Forget(TemplateId id)
    {
        Interlocked.Increment(ref _changes);
        _reading.TryRemove(id, out _);
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
