using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Time.Testing;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.MerchantAdmin.Campaigns;
using PromotionEngine.MerchantAdmin.Templates;

namespace PromotionEngine.MerchantAdmin.Tests.Templates;

/// <summary>
/// The template catalog the claim path reads (TemplateCatalog): claims that miss a template at once share one read of it,
/// and a change while it is read makes later callers read it anew; a quote reads the templates of a wallet it misses in one
/// read, shared with claims that miss one of them meanwhile.
/// </summary>
public class ReadingTemplatesForClaims
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 3, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Claims_that_miss_a_template_at_once_share_one_read_and_all_get_it()
    {
        var stored = new HeldTemplates(ATemplate.EndingIn(TimeSpan.FromDays(1), _clock));
        using var cache = new MemoryCache(new MemoryCacheOptions());
        var catalog = new TemplateCatalog(stored, cache, new CampaignTerms(new NoCampaigns()));

        var claims = Enumerable.Range(0, 50).Select(_ => catalog.FindAsync(new TemplateId(77), CancellationToken.None)).ToList();
        Assert.Equal(1, stored.Reads);
        stored.Release();

        Assert.All(await Task.WhenAll(claims), s => Assert.Equal(new TemplateId(77), s?.Id));
        Assert.Equal(1, stored.Reads);
    }

    [Fact]
    public async Task A_change_while_a_template_is_read_makes_later_callers_read_it_anew()
    {
        var stored = new HeldTemplates(ATemplate.EndingIn(TimeSpan.FromDays(1), _clock));
        using var cache = new MemoryCache(new MemoryCacheOptions());
        var catalog = new TemplateCatalog(stored, cache, new CampaignTerms(new NoCampaigns()));

        var before = catalog.FindAsync(new TemplateId(77), CancellationToken.None);
        catalog.Forget(new TemplateId(77));
        var after = catalog.FindAsync(new TemplateId(77), CancellationToken.None);
        stored.Release();
        await Task.WhenAll(before, after);

        Assert.Equal(2, stored.Reads);
    }

    [Fact]
    public async Task A_quote_reads_the_templates_it_misses_in_one_read_that_a_claim_missing_one_of_them_shares()
    {
        var stored = new HeldTemplates(ATemplate.EndingIn(TimeSpan.FromDays(1), _clock));
        using var cache = new MemoryCache(new MemoryCacheOptions());
        var catalog = new TemplateCatalog(stored, cache, new CampaignTerms(new NoCampaigns()));

        var quote = catalog.FindManyAsync([new TemplateId(77), new TemplateId(78), new TemplateId(79)], CancellationToken.None);
        var claim = catalog.FindAsync(new TemplateId(77), CancellationToken.None);
        Assert.Equal(1, stored.Reads);
        stored.Release();

        Assert.Equal(new[] { new TemplateId(77) }, (await quote).Keys);
        Assert.Equal(new TemplateId(77), (await claim)?.Id);
        // Those that do not exist are remembered too: a second quote reads nothing.
        var again = await catalog.FindManyAsync([new TemplateId(79), new TemplateId(77)], CancellationToken.None);
        Assert.Equal(new[] { new TemplateId(77) }, again.Keys);
        Assert.Equal(1, stored.Reads);
    }

    [Fact]
    public async Task A_quote_joins_a_claim_s_read_of_a_template_and_reads_only_the_others()
    {
        var stored = new HeldTemplates(ATemplate.EndingIn(TimeSpan.FromDays(1), _clock));
        using var cache = new MemoryCache(new MemoryCacheOptions());
        var catalog = new TemplateCatalog(stored, cache, new CampaignTerms(new NoCampaigns()));

        var claim = catalog.FindAsync(new TemplateId(77), CancellationToken.None);
        var quote = catalog.FindManyAsync([new TemplateId(78), new TemplateId(77)], CancellationToken.None);
        stored.Release();

        Assert.Equal(new[] { new TemplateId(77) }, (await quote).Keys);
        Assert.Equal(new TemplateId(77), (await claim)?.Id);
        Assert.Equal(2, stored.Reads);
        Assert.Equal(new[] { new TemplateId(78) }, stored.ReadTogether);
    }

    /// <summary>One stored template whose reads wait until the test releases them, counted.</summary>
    private sealed class HeldTemplates(CouponTemplate template) : ICouponTemplates
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public void Release() => _released.TrySetResult();

        public async Task<CouponTemplate?> FindAsync(TemplateId id, CancellationToken ct)
        {
            Interlocked.Increment(ref _reads);
            await _released.Task;
            return id == template.Id ? template : null;
        }

        public Task<CouponTemplate?> FindAsync(TemplateId id, WriteScope scope, CancellationToken ct) => throw new NotSupportedException();

        /// <summary>The ids the last read of several asked for.</summary>
        public IReadOnlyCollection<TemplateId> ReadTogether { get; private set; } = [];

        public async Task<IReadOnlyList<CouponTemplate>> FindManyAsync(IReadOnlyCollection<TemplateId> ids, CancellationToken ct)
        {
            Interlocked.Increment(ref _reads);
            ReadTogether = ids.ToList();
            await _released.Task;
            return ids.Contains(template.Id) ? [template] : [];
        }

        public Task AddAsync(CouponTemplate template, WriteScope scope, CancellationToken ct) => throw new NotSupportedException();

        public Task SaveAsync(CouponTemplate template, WriteScope scope, CancellationToken ct) => throw new NotSupportedException();

        public Task<IReadOnlyList<CouponTemplate>> ListAsync(MerchantId merchant, TemplateQuery query, DateTimeOffset now, CancellationToken ct) =>
            throw new NotSupportedException();

        public Task<MerchantRequest?> RecordRequestAsync(MerchantRequest request, WriteScope scope, CancellationToken ct) =>
            throw new NotSupportedException();

        public Task<MerchantRequest?> FindRequestAsync(MerchantId merchant, IdempotencyKey key, CancellationToken ct) =>
            throw new NotSupportedException();
    }

    /// <summary>No template is in a campaign or has a budget (the only read the catalog makes of campaigns).</summary>
    private sealed class NoCampaigns : ICampaigns
    {
        public Task<TemplateBudget?> FindTemplateBudgetAsync(TemplateId template, CancellationToken ct) => Task.FromResult<TemplateBudget?>(null);

        public Task<IReadOnlyDictionary<TemplateId, TemplateBudget>> FindTemplateBudgetsAsync(IReadOnlyCollection<TemplateId> templates,
            CancellationToken ct) => Task.FromResult<IReadOnlyDictionary<TemplateId, TemplateBudget>>(new Dictionary<TemplateId, TemplateBudget>());

        public Task<IReadOnlyList<Campaign>> FindManyAsync(IReadOnlyCollection<long> ids, CancellationToken ct) => throw new NotSupportedException();

        public Task AddAsync(Campaign campaign, WriteScope scope, CancellationToken ct) => throw new NotSupportedException();

        public Task<Campaign?> FindAsync(long id, CancellationToken ct, WriteScope? scope = null) => throw new NotSupportedException();

        public Task<IReadOnlyList<Campaign>> ListAsync(MerchantId merchant, long? after, int limit, CancellationToken ct) =>
            throw new NotSupportedException();

        public Task SaveAsync(Campaign campaign, WriteScope scope, CancellationToken ct) => throw new NotSupportedException();

        public Task AppendAuditAsync(CampaignAuditEntry entry, WriteScope scope, CancellationToken ct) => throw new NotSupportedException();

        public Task<IReadOnlyList<CampaignAuditEntry>> HistoryAsync(long campaign, long? after, int limit, CancellationToken ct) =>
            throw new NotSupportedException();

        public Task SetTemplateBudgetAsync(TemplateBudget budget, DateTimeOffset now, WriteScope scope, CancellationToken ct) =>
            throw new NotSupportedException();

        public Task<IReadOnlyList<TemplateId>> TemplatesOfAsync(long campaign, CancellationToken ct) => throw new NotSupportedException();
    }
}
