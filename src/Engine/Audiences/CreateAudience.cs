using PromotionEngine.Contracts.Http.Engine;
using PromotionEngine.Contracts.MerchantAdmin;
using PromotionEngine.Engine.Messaging;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.Engine.Audiences;

/// <summary>
/// A merchant names a new audience: empty, or with a rule (docs/audiences.md, "Audiences from rules") that is evaluated whole
/// before the answer, so the audience answered already holds whom the facts name; and once more after
/// <see cref="AudienceRuleIndex.Freshness"/>, for the events another instance handled before its view of the rules had this one.
/// </summary>
internal sealed class CreateAudience(
    IDatabase db, IAudiences audiences, IAudienceRules rules, EvaluateAudienceRule evaluate, ICouponTemplateCatalog templates, IOutbox outbox,
    IdGenerator ids, TimeProvider clock, AudienceRuleIndex index, AudienceRuleSweeper sweeper)
{
    /// <summary>The new audience with its rule (null for none), or null with <paramref name="errors"/> filled.</summary>
    public async Task<(Audience Audience, AudienceRule? Rule)?> HandleAsync(
        MerchantId merchant, string? name, AudienceRuleRequest? ruleTerms, FieldErrors errors, CancellationToken ct)
    {
        var trimmed = name?.Trim();
        errors.When(string.IsNullOrEmpty(trimmed), "name", "A name is required.")
              .When(trimmed is { Length: > Audience.MaxNameLength }, "name", $"At most {Audience.MaxNameLength} characters.")
              .Text("name", trimmed);
        var id = new AudienceId(ids.Next());
        var rule = ruleTerms is null
            ? null
            : AudienceRule.From(id, merchant, ruleTerms.Kind, ruleTerms.TemplateId, ruleTerms.Days, ruleTerms.MinOrders, errors);
        if (rule?.Template is { } template && (await templates.FindAsync(template, ct))?.Merchant != merchant)
            errors.Add("rule.templateId", $"No template {template.Value} of this merchant.");
        if (!errors.IsEmpty) return null;

        var audience = Audience.Create(id, merchant, trimmed!, UtcMillis.Now(clock), rule?.Excludes ?? false);
        await db.WriteWithRetryAsync(async scope =>
        {
            await audiences.AddAsync(audience, scope, ct);
            if (rule is not null) await rules.AddAsync(rule, scope, ct);
            await outbox.AddAsync([AudienceEvents.Created(audience, rule)], scope, ct);
            await scope.CommitAsync(ct);
            return true;
        }, ct);
        if (rule is null) return (audience, null);
        index.Changed(); // this instance's events follow the rule at once; another's within AudienceRuleIndex.Freshness, so:
        sweeper.EvaluateAgainLater(rule);
        await evaluate.HandleAsync(rule, ct);
        return (await audiences.FindAsync(id, ct) ?? audience, await rules.FindAsync(id, ct) ?? rule);
    }
}
