using System.Text.Json;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Identity;
using PromotionEngine.Kernel.Validation;
using PromotionEngine.MerchantAdmin.Audit;

namespace PromotionEngine.MerchantAdmin.Templates;

/// <summary>The fields a PATCH may carry; every other template field is fixed once coupons may exist.</summary>
internal sealed record TemplateChanges(
    string? Name, bool HasName, string? Description, bool HasDescription, DateTimeOffset? ValidUntil, int? PerUserLimit)
{
    private static readonly HashSet<string> FixedFields =
    [
        "currency", "scope", "shopId", "productIds", "categoryIds", "type", "discountAmount", "thresholdAmount", "percentOff",
        "maxDiscountAmount", "validFrom", "validityAfterClaim", "stock", "id", "merchantId", "status", "issued", "createdAt", "updatedAt",
        "exclusive", "priority", "funding", "platformShareBps", "timeZone", "perUserDailyLimit", "perUserWeeklyLimit", "perUserMonthlyLimit",
        "tiers", "audienceId",
        "gift", "buyQuantity", "getQuantity",
    ];

    /// <summary>Reads a JSON merge-patch body; fields that may not change are reported, not ignored.</summary>
    public static TemplateChanges? From(JsonElement body, FieldErrors errors, FieldErrors fixedFields)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add("$", "The body is a JSON object of the fields to change.");
            return null;
        }
        string? name = null, description = null;
        bool hasName = false, hasDescription = false;
        DateTimeOffset? until = null;
        int? limit = null;
        foreach (var property in body.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "name":
                    hasName = true;
                    if (value.ValueKind == JsonValueKind.String) name = value.GetString();
                    else errors.Add("name", "A string.");
                    break;
                case "description":
                    hasDescription = true;
                    if (value.ValueKind is JsonValueKind.String or JsonValueKind.Null) description = value.GetString();
                    else errors.Add("description", "A string.");
                    break;
                case "validUntil":
                    if (value.ValueKind == JsonValueKind.String && IsoTime.HasOffset(value.GetString()!) && value.TryGetDateTimeOffset(out var time))
                        until = time;
                    else errors.Add("validUntil", "An ISO-8601 time with offset.");
                    break;
                case "perUserLimit":
                    if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n)) limit = n;
                    else errors.Add("perUserLimit", "A whole number.");
                    break;
                default:
                    if (FixedFields.Contains(property.Name))
                        fixedFields.Add(property.Name,
                            "Cannot change after creation: only name, description, a later validUntil and a higher perUserLimit can.");
                    else
                        errors.Add(property.Name, "Unknown field.");
                    break;
            }
        }
        errors.When(!hasName && !hasDescription && until is null && limit is null && errors.IsEmpty && fixedFields.IsEmpty,
            "$", "Name at least one of name, description, validUntil, perUserLimit.");
        return errors.IsEmpty && fixedFields.IsEmpty ? new TemplateChanges(name, hasName, description, hasDescription, until, limit) : null;
    }
}

/// <summary>PATCH: applies every asked-for change or none.</summary>
internal sealed class ChangeTemplate(TemplateWriter writer)
{
    public Task<TemplateOutcome> HandleAsync(Caller caller, MerchantId merchant, TemplateId id, TemplateChanges changes, CancellationToken ct) =>
        writer.ChangeAsync(caller, merchant, id, TemplateOperations.Change, (t, now) =>
            (changes.HasName ? t.Rename(changes.Name, now) : null)
            ?? (changes.HasDescription ? t.Describe(changes.Description, now) : null)
            ?? (changes.ValidUntil is { } until && until != t.ValidUntil ? t.ExtendValidity(until, now) : null)
            ?? (changes.PerUserLimit is { } limit && limit != t.PerUserLimit ? t.RaisePerUserLimit(limit, now) : null), ct);
}
