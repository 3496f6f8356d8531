using System.Text.Json;
using PromotionEngine.Contracts.Engine;
using PromotionEngine.Contracts.Http.MerchantAdmin;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Kernel.Requests;
using PromotionEngine.Kernel.Validation;
using PromotionEngine.MerchantAdmin.Audit;
using PromotionEngine.MerchantAdmin.Templates;

namespace PromotionEngine.MerchantAdmin.Campaigns;

internal static class CampaignOperations
{
    public const string Create = "CREATE";
    public const string Change = "CHANGE";
    public const string SetTemplateBudget = "SET_TEMPLATE_BUDGET";
}

/// <summary>What a campaign verb did: the campaign (or the template's budget), the field errors, or a refusal.</summary>
internal abstract record CampaignOutcome
{
    private CampaignOutcome() { }

    public sealed record Done(Campaign Campaign, bool Created = false) : CampaignOutcome;

    public sealed record TemplateDone(TemplateBudget Budget) : CampaignOutcome;

    public sealed record Invalid(FieldErrors Errors) : CampaignOutcome;

    public sealed record Refused(Refusal Refusal) : CampaignOutcome;
}

/// <summary>
/// A merchant creates and changes campaigns and says which campaign and own budget a template has: each in one transaction
/// with its audit entry (and the request's Idempotency-Key); the templates' snapshots are forgotten after the commit so the
/// engine reads the new terms at once in this process, and within the catalogue's freshness elsewhere.
/// </summary>
internal sealed class CampaignVerbs(IDatabase db, ICampaigns campaigns, ICouponTemplates templates, ICouponPricingTerms pricing, IdGenerator ids,
    TimeProvider clock, TemplateCatalog catalog, IKeyedRequests keys, ITemplateAuditTrail templateAudit)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<CampaignOutcome> CreateAsync(Caller caller, MerchantId merchant, CreateCampaignRequest request, CancellationToken ct)
    {
        var now = UtcMillis.Now(clock);
        var errors = new FieldErrors();
        if (Campaign.Create(ids.Next(), merchant, request, now, errors) is not { } campaign) return new CampaignOutcome.Invalid(errors);
        await db.WriteWithRetryAsync(async scope =>
        {
            await campaigns.AddAsync(campaign, scope, ct);
            await campaigns.AppendAuditAsync(new CampaignAuditEntry(ids.Next(), campaign.Id, merchant, caller.Subject, CampaignOperations.Create,
                null, Serialize(Values(campaign)), now), scope, ct);
            await keys.ClaimAsync(scope, ct);
            await scope.CommitAsync(ct);
            return 0;
        }, ct);
        return new CampaignOutcome.Done(campaign, Created: true);
    }

    public async Task<CampaignOutcome> ChangeAsync(Caller caller, MerchantId merchant, long id, ChangeCampaignRequest request, CancellationToken ct)
    {
        var outcome = await db.WriteWithRetryAsync<CampaignOutcome>(async scope =>
        {
            var campaign = await campaigns.FindAsync(id, ct, scope);
            if (campaign is null || campaign.Merchant != merchant) return NotFound(id);
            var now = UtcMillis.Now(clock);
            var before = Values(campaign);
            var errors = campaign.Change(request, now);
            if (!errors.IsEmpty) return new CampaignOutcome.Invalid(errors);
            var after = Values(campaign);
            var changed = after.Keys.Where(k => Serialize(before[k]) != Serialize(after[k])).ToList();
            if (changed.Count == 0) return new CampaignOutcome.Done(campaign);
            await campaigns.SaveAsync(campaign, scope, ct);
            await campaigns.AppendAuditAsync(new CampaignAuditEntry(ids.Next(), campaign.Id, merchant, caller.Subject, CampaignOperations.Change,
                Serialize(changed.ToDictionary(k => k, k => before[k])), Serialize(changed.ToDictionary(k => k, k => after[k])), now), scope, ct);
            await keys.ClaimAsync(scope, ct);
            await scope.CommitAsync(ct);
            return new CampaignOutcome.Done(campaign);
        }, ct);
        if (outcome is CampaignOutcome.Done) foreach (var t in await campaigns.TemplatesOfAsync(id, ct)) catalog.Forget(t);
        return outcome;
    }

    /// <summary>
    /// The template joins a campaign (same merchant, same currency) or leaves it, and gets or drops its own budget. A template
    /// that draws on any budget must have a largest discount: what a lock without a quote reserves, and what a claim is held to.
    /// </summary>
    public async Task<CampaignOutcome> SetTemplateBudgetAsync(Caller caller, MerchantId merchant, TemplateId id, SetTemplateBudgetRequest request,
        CancellationToken ct)
    {
        var errors = new FieldErrors().When(request.Budget is < 1 or > Campaign.MaxBudget, "budget", $"1 to {Campaign.MaxBudget} minor units.");
        Campaign.CheckThresholds(request.Thresholds, errors);
        var template = await templates.FindAsync(id, ct);
        if (template is null || template.Merchant != merchant) return new CampaignOutcome.Refused(TemplateNotFound(id));
        if (request.CampaignId is { } campaignId)
        {
            var campaign = await campaigns.FindAsync(campaignId, ct);
            if (campaign is null || campaign.Merchant != merchant) return NotFound(campaignId);
            errors.When(campaign.Currency != template.Currency, "campaignId",
                $"The campaign's currency is {campaign.Currency}, the template's {template.Currency}: they must be the same.");
        }
        var budgeted = request.Budget is not null || request.CampaignId is not null;
        var terms = (await pricing.FindAsync([id], ct)).GetValueOrDefault(id);
        errors.When(budgeted && terms?.LargestDiscount is null, "budget",
            "A template that draws on a budget needs a largest discount: a fixed amount, tiers, or a percentage, free shipping or buy X get Y "
            + "with maxDiscountAmount.");
        if (!errors.IsEmpty) return new CampaignOutcome.Invalid(errors);

        var budget = new TemplateBudget(id, merchant, request.CampaignId, request.Budget, request.StopClaimsWhenLow ?? false,
            Campaign.Sorted(request.Thresholds));
        var earlier = await campaigns.FindTemplateBudgetAsync(id, ct);
        await db.WriteWithRetryAsync(async scope =>
        {
            var now = UtcMillis.Now(clock);
            await campaigns.SetTemplateBudgetAsync(budget, now, scope, ct);
            // Recorded under the campaign it joins (or leaves): the campaign's history shows which templates came and went.
            foreach (var campaign in new[] { earlier?.CampaignId, budget.CampaignId }.OfType<long>().Distinct())
            {
                await campaigns.AppendAuditAsync(new CampaignAuditEntry(ids.Next(), campaign, merchant, caller.Subject,
                    CampaignOperations.SetTemplateBudget, earlier is null ? null : Serialize(Values(earlier)), Serialize(Values(budget)), now),
                    scope, ct);
            }
            // And under the template: its history shows every change of its budget terms, in a campaign or not.
            await templateAudit.AppendAsync(new TemplateAuditEntry(ids.Next(), id, merchant, caller.Subject, TemplateOperations.SetBudget,
                earlier is null ? null : Serialize(Values(earlier)), Serialize(Values(budget)), now), scope, ct);
            await keys.ClaimAsync(scope, ct);
            await scope.CommitAsync(ct);
            return 0;
        }, ct);
        catalog.Forget(id);
        return new CampaignOutcome.TemplateDone(budget);
    }

    public static CampaignOutcome NotFound(long id) =>
        new CampaignOutcome.Refused(new Refusal(ErrorCodes.CampaignNotFound, $"No campaign {id} belongs to this merchant."));

    private static Refusal TemplateNotFound(TemplateId id) => new(ErrorCodes.TemplateNotFound, $"No template {id} belongs to this merchant.");

    private static Dictionary<string, object?> Values(Campaign c) => new()
    {
        ["name"] = c.Name,
        ["currency"] = c.Currency,
        ["validFrom"] = c.ValidFrom,
        ["validUntil"] = c.ValidUntil,
        ["perUserLimit"] = c.PerUserLimit,
        ["budget"] = c.Budget,
        ["stopClaimsWhenLow"] = c.StopClaimsWhenLow,
        ["thresholds"] = c.Thresholds,
    };

    private static Dictionary<string, object?> Values(TemplateBudget b) => new()
    {
        ["templateId"] = b.Template.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["campaignId"] = b.CampaignId?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["budget"] = b.Budget,
        ["stopClaimsWhenLow"] = b.StopClaimsWhenLow,
        ["thresholds"] = b.Thresholds,
    };

    private static string Serialize(object? values) => JsonSerializer.Serialize(values, Json);
}

/// <summary>The budgets a template's coupons draw on, as the catalogue's snapshot carries them (<see cref="TemplateBudgets"/>).</summary>
internal sealed class CampaignTerms(ICampaigns campaigns)
{
    public async Task<TemplateBudgets> OfAsync(TemplateId template, CancellationToken ct)
    {
        if (await campaigns.FindTemplateBudgetAsync(template, ct) is not { } own) return TemplateBudgets.None;
        return Of(own, own.CampaignId is { } id ? await campaigns.FindAsync(id, ct) : null);
    }

    /// <summary>Several templates' budgets in two reads (their own terms, then their campaigns): every template of a quote's wallet.</summary>
    public async Task<IReadOnlyDictionary<TemplateId, TemplateBudgets>> OfManyAsync(IReadOnlyCollection<TemplateId> templates, CancellationToken ct)
    {
        var owns = templates.Count == 0 ? new Dictionary<TemplateId, TemplateBudget>() : await campaigns.FindTemplateBudgetsAsync(templates, ct);
        var ids = owns.Values.Select(o => o.CampaignId).OfType<long>().Distinct().ToList();
        var byId = ids.Count == 0 ? new Dictionary<long, Campaign>() : (await campaigns.FindManyAsync(ids, ct)).ToDictionary(c => c.Id);
        return templates.Distinct().ToDictionary(t => t, t => owns.TryGetValue(t, out var own)
            ? Of(own, own.CampaignId is { } id ? byId.GetValueOrDefault(id) : null)
            : TemplateBudgets.None);
    }

    private static TemplateBudgets Of(TemplateBudget own, Campaign? campaign)
    {
        var limits = new List<BudgetLimit>();
        if (campaign?.Budget is { } c)
            limits.Add(new BudgetLimit(BudgetKeys.Campaign(campaign.Id), c, campaign.StopClaimsWhenLow, campaign.Thresholds));
        if (own.Budget is { } t) limits.Add(new BudgetLimit(BudgetKeys.Template(own.Template), t, own.StopClaimsWhenLow, own.Thresholds));
        return new TemplateBudgets(campaign?.Id, campaign?.ValidFrom, campaign?.ValidUntil, campaign?.PerUserLimit,
            limits.OrderBy(l => l.Key, StringComparer.Ordinal).ToList());
    }
}
