using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Engine.Audiences;

/// <summary>
/// Rule audiences' rules (en_audience_rules) and the facts they read: the engine's own claims (en_user_template_claims) and the
/// facts events bring (en_audience_facts). "Held" is what the members' table should hold for a rule: the users its facts name.
/// </summary>
internal interface IAudienceRules
{
    Task AddAsync(AudienceRule rule, WriteScope scope, CancellationToken ct);

    Task<AudienceRule?> FindAsync(AudienceId audience, CancellationToken ct);

    /// <summary>Every rule, for the sweep.</summary>
    Task<IReadOnlyList<AudienceRule>> AllAsync(CancellationToken ct);

    /// <summary>The merchant's rules of these kinds, read in the caller's transaction.</summary>
    Task<IReadOnlyList<AudienceRule>> OfMerchantAsync(MerchantId merchant, IReadOnlyList<string> kinds, WriteScope scope, CancellationToken ct);

    /// <summary>The rules about this template (has / has not claimed it), read in the caller's transaction.</summary>
    Task<IReadOnlyList<AudienceRule>> AboutTemplateAsync(TemplateId template, WriteScope scope, CancellationToken ct);

    /// <summary>The templates rules are about and the merchants with NEW_USER or SETTLED_ORDERS rules (for <see cref="AudienceRuleIndex"/>).</summary>
    Task<AudienceRuleReferences> ReferencesAsync(CancellationToken ct);

    /// <summary>Records facts (one already known is skipped); how many were new.</summary>
    Task<long> AddFactsAsync(IReadOnlyList<AudienceFact> facts, WriteScope scope, CancellationToken ct);

    /// <summary>
    /// Withdraws the user's facts of these kinds and refs with the merchant (a whole refund: the coupon is no longer consumed, the order
    /// no longer settled); how many were known.
    /// </summary>
    Task<long> WithdrawFactsAsync(
        MerchantId merchant, UserId user, IReadOnlyList<(string Kind, string Ref)> facts, WriteScope scope, CancellationToken ct);

    /// <summary>Whether the rule's facts name the user now (the members' table should hold them), in the caller's transaction.</summary>
    Task<bool> ShouldHoldAsync(AudienceRule rule, UserId user, DateTimeOffset now, WriteScope scope, CancellationToken ct);

    /// <summary>Whether the members' table holds the user (the raw row, whatever the audience means by it).</summary>
    Task<bool> HoldsAsync(AudienceId audience, UserId user, WriteScope scope, CancellationToken ct);

    /// <summary>Up to <paramref name="limit"/> users the rule's facts name that the members' table lacks, in id order.</summary>
    Task<IReadOnlyList<long>> MissingAsync(AudienceRule rule, DateTimeOffset now, int limit, CancellationToken ct);

    /// <summary>Up to <paramref name="limit"/> users the members' table holds that the rule's facts no longer name, in id order.</summary>
    Task<IReadOnlyList<long>> StaleAsync(AudienceRule rule, DateTimeOffset now, int limit, CancellationToken ct);

    Task EvaluatedAsync(AudienceId audience, DateTimeOffset at, CancellationToken ct);

    /// <summary>
    /// The merchants whose coupons these are (the user's, among <paramref name="coupons"/>, consumed now: an order whose coupons a refund
    /// restored before its order-settled arrived does not count), in the caller's transaction.
    /// </summary>
    Task<IReadOnlyList<MerchantId>> MerchantsOfAsync(UserId user, IReadOnlyList<long> coupons, WriteScope scope, CancellationToken ct);
}
