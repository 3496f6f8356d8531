using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.MerchantAdmin.Campaigns;

/// <summary>A template's campaign and its own money budget (ma_template_budgets).</summary>
internal sealed record TemplateBudget(TemplateId Template, MerchantId Merchant, long? CampaignId, long? Budget, bool StopClaimsWhenLow,
    IReadOnlyList<int> Thresholds);

/// <summary>One change of a campaign, or of which campaign and budget a template has, as the audit trail keeps it.</summary>
internal sealed record CampaignAuditEntry(long Id, long Campaign, MerchantId Merchant, string Actor, string Operation, string? BeforeJson,
    string? AfterJson, DateTimeOffset OccurredAt);

internal interface ICampaigns
{
    Task AddAsync(Campaign campaign, WriteScope scope, CancellationToken ct);

    Task<Campaign?> FindAsync(long id, CancellationToken ct, WriteScope? scope = null);

    /// <summary>Those of the campaigns that exist, in one read.</summary>
    Task<IReadOnlyList<Campaign>> FindManyAsync(IReadOnlyCollection<long> ids, CancellationToken ct);

    /// <summary>The merchant's campaigns, newest first, after the cursor id.</summary>
    Task<IReadOnlyList<Campaign>> ListAsync(MerchantId merchant, long? after, int limit, CancellationToken ct);

    /// <summary>Throws <see cref="ConcurrencyConflictException"/> when another writer saved first.</summary>
    Task SaveAsync(Campaign campaign, WriteScope scope, CancellationToken ct);

    Task AppendAuditAsync(CampaignAuditEntry entry, WriteScope scope, CancellationToken ct);

    /// <summary>Oldest first, after the cursor id.</summary>
    Task<IReadOnlyList<CampaignAuditEntry>> HistoryAsync(long campaign, long? after, int limit, CancellationToken ct);

    Task<TemplateBudget?> FindTemplateBudgetAsync(TemplateId template, CancellationToken ct);

    /// <summary>The budget terms of those of the templates that have any, in one read.</summary>
    Task<IReadOnlyDictionary<TemplateId, TemplateBudget>> FindTemplateBudgetsAsync(IReadOnlyCollection<TemplateId> templates, CancellationToken ct);

    Task SetTemplateBudgetAsync(TemplateBudget budget, DateTimeOffset now, WriteScope scope, CancellationToken ct);

    Task<IReadOnlyList<TemplateId>> TemplatesOfAsync(long campaign, CancellationToken ct);
}
