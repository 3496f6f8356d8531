using PromotionEngine.Kernel;

namespace PromotionEngine.Contracts.MerchantAdmin;

/// <summary>
/// Merchant-admin's query port: what a template says right now. Other modules read templates only
/// through it, never from merchant-admin's tables.
/// </summary>
public interface ICouponTemplateCatalog
{
    Task<CouponTemplateSnapshot?> FindAsync(TemplateId id, CancellationToken ct);

    /// <summary>
    /// The templates of <paramref name="ids"/> that exist, as one question: a quote needs every template of a wallet at once. The
    /// catalog reads those it does not hold in one go; this default asks <see cref="FindAsync"/> for each in turn.
    /// </summary>
    async Task<IReadOnlyDictionary<TemplateId, CouponTemplateSnapshot>> FindManyAsync(IReadOnlyCollection<TemplateId> ids, CancellationToken ct)
    {
        var found = new Dictionary<TemplateId, CouponTemplateSnapshot>(ids.Count);
        foreach (var id in ids)
        {
            if (!found.ContainsKey(id) && await FindAsync(id, ct) is { } snapshot) found[id] = snapshot;
        }
        return found;
    }
}

/// <summary>
/// The facts about a template that deciding a claim or a price needs. TimeZone (IANA, default "UTC") bounds the days, ISO weeks
/// and months of the optional per-user per-period limits (null: none). Audience: only its members may claim (null: anyone).
/// Gift: a GIFT template's stock of gifts, counted by the engine like a budget (null for every other type).
/// </summary>
public sealed record CouponTemplateSnapshot(
    TemplateId Id,
    MerchantId Merchant,
    string Currency,
    bool Terminated,
    DateTimeOffset ValidFrom,
    DateTimeOffset ValidUntil,
    TimeSpan? ValidityAfterClaim,
    long Stock,
    int PerUserLimit,
    int Version,
    string TimeZone = "UTC",
    int? PerUserDailyLimit = null,
    int? PerUserWeeklyLimit = null,
    int? PerUserMonthlyLimit = null,
    TemplateBudgets? Budgets = null,
    AudienceId? Audience = null,
    GiftStock? Gift = null)
{
    /// <summary>The campaign and budgets, none when the template is in no campaign and has no budget of its own.</summary>
    public TemplateBudgets BudgetTerms => Budgets ?? TemplateBudgets.None;
}
