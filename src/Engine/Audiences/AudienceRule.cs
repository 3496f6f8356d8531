using System.Globalization;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Validation;

namespace PromotionEngine.Engine.Audiences;

/// <summary>The kinds of rule an audience may have (docs/audiences.md, "Audiences from rules").</summary>
internal static class AudienceRuleKinds
{
    /// <summary>No consumed coupon and no settled order with the merchant: the audience holds whom it leaves out.</summary>
    public const string NewUser = "NEW_USER";

    /// <summary>Has claimed the template (a coupon of it was issued to the user).</summary>
    public const string ClaimedTemplate = "CLAIMED_TEMPLATE";

    /// <summary>Has not claimed the template: the audience holds those who have.</summary>
    public const string NotClaimedTemplate = "NOT_CLAIMED_TEMPLATE";

    /// <summary>At least MinOrders settled orders with the merchant in the last Days days.</summary>
    public const string SettledOrders = "SETTLED_ORDERS";

    public static readonly IReadOnlyList<string> All = [NewUser, ClaimedTemplate, NotClaimedTemplate, SettledOrders];
}

/// <summary>
/// The rule of a rule audience, fixed at creation. The members' table holds, for each rule, the users its facts name (who has
/// consumed or settled, who has claimed, who settled enough lately); for a rule with a negation (<see cref="Excludes"/>) those
/// are the users the audience leaves out, since everyone a negation takes in cannot be listed.
/// </summary>
internal sealed record AudienceRule(
    AudienceId Audience, MerchantId Merchant, string Kind, TemplateId? Template, int? Days, int? MinOrders, DateTimeOffset? EvaluatedAt = null)
{
    public const int MaxDays = 366;
    public const int MaxMinOrders = 1000;

    public bool Excludes => Kind is AudienceRuleKinds.NewUser or AudienceRuleKinds.NotClaimedTemplate;

    public bool IsAboutTemplate => Kind is AudienceRuleKinds.ClaimedTemplate or AudienceRuleKinds.NotClaimedTemplate;

    /// <summary>The start of the settled-orders window at <paramref name="now"/>.</summary>
    public DateTimeOffset Since(DateTimeOffset now) => now - TimeSpan.FromDays(Days ?? 0);

    /// <summary>
    /// The rule's terms checked field by field (<c>rule.kind</c>, <c>rule.templateId</c>, <c>rule.days</c>, <c>rule.minOrders</c>); the
    /// template's owner is checked by the caller. Null with <paramref name="errors"/> filled when they do not make a rule.
    /// </summary>
    public static AudienceRule? From(
        AudienceId audience, MerchantId merchant, string? kind, string? templateId, int? days, int? minOrders, FieldErrors errors)
    {
        if (kind is null || !AudienceRuleKinds.All.Contains(kind))
        {
            errors.Add("rule.kind", $"One of {string.Join(", ", AudienceRuleKinds.All)}.");
            return null;
        }
        var aboutTemplate = kind is AudienceRuleKinds.ClaimedTemplate or AudienceRuleKinds.NotClaimedTemplate;
        var settled = kind is AudienceRuleKinds.SettledOrders;
        long? template = long.TryParse(templateId, NumberStyles.None, CultureInfo.InvariantCulture, out var t) && t > 0 ? t : null;
        errors.When(aboutTemplate && templateId is null, "rule.templateId", $"{kind} names the template (templateId).")
              .When(aboutTemplate && templateId is not null && template is null, "rule.templateId", "A template id is a positive whole number.")
              .When(!aboutTemplate && templateId is not null, "rule.templateId", $"{kind} takes no templateId.")
              .When(settled && days is null, "rule.days", "SETTLED_ORDERS names the window in days (days).")
              .When(settled && days is < 1 or > MaxDays, "rule.days", $"From 1 to {MaxDays} days.")
              .When(!settled && days is not null, "rule.days", $"{kind} takes no days.")
              .When(settled && minOrders is null, "rule.minOrders", "SETTLED_ORDERS names the least number of orders (minOrders).")
              .When(settled && minOrders is < 1 or > MaxMinOrders, "rule.minOrders", $"From 1 to {MaxMinOrders} orders.")
              .When(!settled && minOrders is not null, "rule.minOrders", $"{kind} takes no minOrders.");
        if (!errors.IsEmpty) return null;
        return new AudienceRule(audience, merchant, kind, template is { } id ? new TemplateId(id) : null, days, minOrders);
    }
}

/// <summary>What the engine learns of a user with a merchant, from events (en_audience_facts), each written once.</summary>
internal static class AudienceFactKinds
{
    /// <summary>A coupon of the merchant was consumed (ref: the user coupon id).</summary>
    public const string Consumed = "CONSUMED";

    /// <summary>An order that spent a coupon of the merchant was settled (ref: the order id).</summary>
    public const string Settled = "SETTLED";
}

/// <summary>One fact: the user did something with the merchant at a time; <see cref="Ref"/> makes it unique (a coupon, an order).</summary>
internal sealed record AudienceFact(MerchantId Merchant, UserId User, string Kind, string Ref, DateTimeOffset At);
