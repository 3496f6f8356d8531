using PromotionEngine.Engine.Audiences;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Tests.Audiences;

/// <summary>The real rules' store, counting the reads the facts' consumer makes of the rules.</summary>
internal sealed class CountingRules(IAudienceRules inner) : IAudienceRules
{
    private readonly object _evaluationsLock = new();
    private readonly List<(int Count, TaskCompletionSource Done)> _awaitedEvaluations = [];
    private int _aboutTemplate, _ofMerchant, _references, _evaluations;

    public int AboutTemplateReads => Volatile.Read(ref _aboutTemplate);

    public int OfMerchantReads => Volatile.Read(ref _ofMerchant);

    public int ReferenceReads => Volatile.Read(ref _references);

    public Task AddAsync(AudienceRule rule, WriteScope scope, CancellationToken ct) => inner.AddAsync(rule, scope, ct);

    public Task<AudienceRule?> FindAsync(AudienceId audience, CancellationToken ct) => inner.FindAsync(audience, ct);

    public Task<IReadOnlyList<AudienceRule>> AllAsync(CancellationToken ct) => inner.AllAsync(ct);

    public Task<IReadOnlyList<AudienceRule>> OfMerchantAsync(MerchantId merchant, IReadOnlyList<string> kinds, WriteScope scope, CancellationToken ct)
    {
        Interlocked.Increment(ref _ofMerchant);
        return inner.OfMerchantAsync(merchant, kinds, scope, ct);
    }

    public Task<IReadOnlyList<AudienceRule>> AboutTemplateAsync(TemplateId template, WriteScope scope, CancellationToken ct)
    {
        Interlocked.Increment(ref _aboutTemplate);
        return inner.AboutTemplateAsync(template, scope, ct);
    }

    public Task<AudienceRuleReferences> ReferencesAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref _references);
        return inner.ReferencesAsync(ct);
    }

    public Task<long> AddFactsAsync(IReadOnlyList<AudienceFact> facts, WriteScope scope, CancellationToken ct) =>
        inner.AddFactsAsync(facts, scope, ct);

    public Task<long> WithdrawFactsAsync(
        MerchantId merchant, UserId user, IReadOnlyList<(string Kind, string Ref)> facts, WriteScope scope, CancellationToken ct) =>
        inner.WithdrawFactsAsync(merchant, user, facts, scope, ct);

    public Task<bool> ShouldHoldAsync(AudienceRule rule, UserId user, DateTimeOffset now, WriteScope scope, CancellationToken ct) =>
        inner.ShouldHoldAsync(rule, user, now, scope, ct);

    public Task<bool> HoldsAsync(AudienceId audience, UserId user, WriteScope scope, CancellationToken ct) =>
        inner.HoldsAsync(audience, user, scope, ct);

    public Task<IReadOnlyList<long>> MissingAsync(AudienceRule rule, DateTimeOffset now, int limit, CancellationToken ct) =>
        inner.MissingAsync(rule, now, limit, ct);

    public Task<IReadOnlyList<long>> StaleAsync(AudienceRule rule, DateTimeOffset now, int limit, CancellationToken ct) =>
        inner.StaleAsync(rule, now, limit, ct);

    /// <summary>Completes once rules have been evaluated whole <paramref name="count"/> times in all (each evaluation ends by saying so).</summary>
    public Task EvaluatedTimes(int count)
    {
        lock (_evaluationsLock)
        {
            if (_evaluations >= count) return Task.CompletedTask;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _awaitedEvaluations.Add((count, done));
            return done.Task;
        }
    }

    public async Task EvaluatedAsync(AudienceId audience, DateTimeOffset at, CancellationToken ct)
    {
        await inner.EvaluatedAsync(audience, at, ct);
        lock (_evaluationsLock)
        {
            _evaluations++;
            foreach (var awaited in _awaitedEvaluations.Where(a => a.Count <= _evaluations)) awaited.Done.TrySetResult();
        }
    }

    public Task<IReadOnlyList<MerchantId>> MerchantsOfAsync(UserId user, IReadOnlyList<long> coupons, WriteScope scope, CancellationToken ct) =>
        inner.MerchantsOfAsync(user, coupons, scope, ct);
}
