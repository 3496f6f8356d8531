using System.Text.Json;
using PromotionEngine.Contracts.Events.MerchantAdmin.V1;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.MerchantAdmin.Templates;

namespace PromotionEngine.MerchantAdmin.Audit;

/// <summary>One operation on a template as the business sees it: who, when, what, the values before and after.</summary>
internal sealed record TemplateAuditEntry(
    long Id,
    TemplateId Template,
    MerchantId Merchant,
    string Actor,
    string Operation,
    string? BeforeJson,
    string? AfterJson,
    DateTimeOffset OccurredAt);

/// <summary>The audit trail is business data in its own table, written in the transaction of the change it records.</summary>
internal interface ITemplateAuditTrail
{
    Task AppendAsync(TemplateAuditEntry entry, WriteScope scope, CancellationToken ct);

    /// <summary>Oldest first, after the cursor id.</summary>
    Task<IReadOnlyList<TemplateAuditEntry>> ListAsync(TemplateId template, long? after, int limit, CancellationToken ct);
}

/// <summary>The changed fields of a template by their API names, and their values before and after as JSON.</summary>
internal sealed record AuditDiff(string Before, string After, IReadOnlyList<string> Fields)
{
    public bool Changed => Fields.Count > 0;
}

internal static class TemplateOperations
{
    public const string Create = "CREATE";
    public const string Change = "CHANGE";
    public const string AddStock = "ADD_STOCK";
    public const string Terminate = "TERMINATE";

    /// <summary>The template's campaign or own money budget set (PUT …/budget): the template's budget terms before and after.</summary>
    public const string SetBudget = "SET_BUDGET";

    /// <summary>Gift stock added to a GIFT template (POST …/gift-stock).</summary>
    public const string AddGiftStock = "ADD_GIFT_STOCK";
}

/// <summary>The template fields an audit entry shows, by their API names.</summary>
internal static class AuditValues
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>From the template's state, the one mapping of the aggregate (<see cref="TemplateStates.Of"/>).</summary>
    public static Dictionary<string, object?> Of(CouponTemplate t) => Of(TemplateStates.Of(t, t.Version));

    // Identity, version and times are the entry's own columns, not values that change.
    private static Dictionary<string, object?> Of(TemplateState s) => new()
    {
        ["name"] = s.Name,
        ["description"] = s.Description,
        ["currency"] = s.Currency,
        ["scope"] = s.Scope,
        ["shopId"] = s.ShopId,
        ["productIds"] = s.ProductIds,
        ["categoryIds"] = s.CategoryIds,
        ["type"] = s.Type,
        ["discountAmount"] = s.DiscountAmount,
        ["thresholdAmount"] = s.ThresholdAmount,
        ["percentOff"] = s.PercentOff,
        ["maxDiscountAmount"] = s.MaxDiscountAmount,
        ["validFrom"] = s.ValidFrom,
        ["validUntil"] = s.ValidUntil,
        ["validityAfterClaim"] = s.ValidityAfterClaimSeconds is { } v ? Iso8601Duration.Format(TimeSpan.FromSeconds(v)) : null,
        ["stock"] = s.Stock,
        ["perUserLimit"] = s.PerUserLimit,
        ["terminatedAt"] = s.TerminatedAt,
        ["exclusive"] = s.Exclusive,
        ["priority"] = s.Priority,
        ["funding"] = s.Funding,
        ["platformShareBps"] = s.PlatformShareBps,
        ["timeZone"] = s.TimeZone,
        ["perUserDailyLimit"] = s.PerUserDailyLimit,
        ["perUserWeeklyLimit"] = s.PerUserWeeklyLimit,
        ["perUserMonthlyLimit"] = s.PerUserMonthlyLimit,
        ["tiers"] = s.Tiers,
        ["audienceId"] = s.AudienceId?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["gift"] = s.Gift,
        ["buyQuantity"] = s.BuyQuantity,
        ["getQuantity"] = s.GetQuantity,
    };

    /// <summary>Only the fields that differ, before and after.</summary>
    public static AuditDiff Diff(Dictionary<string, object?> before, Dictionary<string, object?> after)
    {
        var changed = after.Keys.Where(k => JsonSerializer.Serialize(before[k], Json) != JsonSerializer.Serialize(after[k], Json)).ToArray();
        return new AuditDiff(
            Serialize(changed.ToDictionary(k => k, k => before[k])), Serialize(changed.ToDictionary(k => k, k => after[k])), changed);
    }

    public static string Serialize(Dictionary<string, object?> values) => JsonSerializer.Serialize(values, Json);

    public static TemplateAuditEntry Entry(long id, CouponTemplate t, string actor, string operation, string? before, string? after) =>
        new(id, t.Id, t.Merchant, actor, operation, before, after, t.UpdatedAt);
}
