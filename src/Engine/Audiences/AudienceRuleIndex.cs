using System.Diagnostics;
using PromotionEngine.Kernel;

namespace PromotionEngine.Engine.Audiences;

/// <summary>Which templates rules are about, and which merchants have rules about every user of theirs (new user, settled orders).</summary>
internal sealed record AudienceRuleReferences(IReadOnlySet<long> Templates, IReadOnlySet<long> Merchants);

/// <summary>
/// Every coupon-claimed, coupon-consumed and order-settled event asks whether a rule refers to its template or merchant: this
/// answers from memory, all rules' references read in one go and again after <see cref="Freshness"/> (as the waiting rooms' settings
/// are), so an event that no rule refers to costs no query. A rule created on this instance is seen at once (<see cref="Changed"/>);
/// one created on another instance within <see cref="Freshness"/>, and the creating instance evaluates the rule whole again once
/// that has passed (<see cref="AudienceRuleSweeper.EvaluateAgainLater"/>), which catches up any event handled meanwhile with the
/// older view. A yes is only a hint: the handler reads the rules themselves in its transaction. Freshness is measured on the
/// machine's clock, not the engine's <see cref="TimeProvider"/>: it bounds how stale a copy is, which is not business time.
/// </summary>
internal sealed class AudienceRuleIndex(IAudienceRules rules)
{
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(2);

    private Copy? _copy;
    private long _changes;

    public async Task<bool> AboutTemplateAsync(TemplateId template, CancellationToken ct) =>
        (await CurrentAsync(ct)).Templates.Contains(template.Value);

    /// <summary>Whether the merchant has a rule about every user of theirs (NEW_USER, SETTLED_ORDERS).</summary>
    public async Task<bool> ForMerchantAsync(MerchantId merchant, CancellationToken ct) =>
        (await CurrentAsync(ct)).Merchants.Contains(merchant.Value);

    /// <summary>A rule was added here: the next question reads the references again.</summary>
    public void Changed()
    {
        Interlocked.Increment(ref _changes);
        Volatile.Write(ref _copy, null);
    }

    private async Task<AudienceRuleReferences> CurrentAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref _copy) is { } copy && Stopwatch.GetElapsedTime(copy.ReadAt) < Freshness) return copy.References;
        var changesBefore = Interlocked.Read(ref _changes);
        var readAt = Stopwatch.GetTimestamp();
        var references = await rules.ReferencesAsync(ct);
        if (Interlocked.Read(ref _changes) == changesBefore) Volatile.Write(ref _copy, new Copy(references, readAt)); // older than a change: not kept
        return references;
    }

    private sealed record Copy(AudienceRuleReferences References, long ReadAt);
}
