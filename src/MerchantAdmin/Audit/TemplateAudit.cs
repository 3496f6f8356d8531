using System.Text.Json;
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
}

/// <summary>The template fields an audit entry shows, by their API names.</summary>
internal static class AuditValues
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Dictionary<string, object?> Of(CouponTemplate t) => new()
    {
        ["name"] = t.Name,
        ["description"] = t.Description,
        ["currency"] = t.Currency,
        ["scope"] = WireNames.Of(t.Scope.Kind),
        ["shopId"] = t.Scope.ShopId,
        ["productIds"] = t.Scope.ProductIds,
        ["categoryIds"] = t.Scope.CategoryIds,
        ["type"] = WireNames.Of(t.Benefit.Type),
        ["discountAmount"] = t.Benefit.DiscountAmount,
        ["thresholdAmount"] = t.Benefit.ThresholdAmount,
        ["percentOff"] = t.Benefit.PercentOff,
        ["maxDiscountAmount"] = t.Benefit.MaxDiscountAmount,
        ["validFrom"] = t.ValidFrom,
        ["validUntil"] = t.ValidUntil,
        ["validityAfterClaim"] = t.ValidityAfterClaim is { } v ? Iso8601Duration.Format(v) : null,
        ["stock"] = t.Stock,
        ["perUserLimit"] = t.PerUserLimit,
        ["terminatedAt"] = t.TerminatedAt,
        ["exclusive"] = t.Exclusive,
        ["priority"] = t.Priority,
    };

    /// <summary>Only the fields that differ, before and after.</summary>
    public static AuditDiff Diff(Dictionary<string, object?> before, Dictionary<string, object?> after)
    {
        var changed = after.Keys.Where(k => JsonSerializer.Serialize(before[k], Json) != JsonSerializer.Serialize(after[k], Json)).ToArray();
        return new AuditDiff(Serialize(changed.ToDictionary(k => k, k => before[k])), Serialize(changed.ToDictionary(k => k, k => after[k])), changed);
    }

    public static string Serialize(Dictionary<string, object?> values) => JsonSerializer.Serialize(values, Json);

    public static TemplateAuditEntry Entry(long id, CouponTemplate t, string actor, string operation, string? before, string? after) =>
        new(id, t.Id, t.Merchant, actor, operation, before, after, t.UpdatedAt);
}
