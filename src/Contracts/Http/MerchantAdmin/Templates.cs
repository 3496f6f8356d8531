using System.Text.Json;

namespace PromotionEngine.Contracts.Http.MerchantAdmin;

// Ids travel as strings in responses: 64-bit ids do not fit a JavaScript number. Requests accept either.

/// <summary>POST /api/v1/merchant/templates. Money in minor units; times ISO-8601 with offset.</summary>
public sealed record CreateTemplateRequest(
    string? Name,
    string? Description,
    string? Currency,
    string? Scope,
    long? ShopId,
    IReadOnlyList<long>? ProductIds,
    IReadOnlyList<long>? CategoryIds,
    string? Type,
    long? DiscountAmount,
    long? ThresholdAmount,
    int? PercentOff,
    long? MaxDiscountAmount,
    DateTimeOffset? ValidFrom,
    DateTimeOffset? ValidUntil,
    string? ValidityAfterClaim,
    long? Stock,
    int? PerUserLimit,
    bool? Exclusive = null,
    int? Priority = null);

public sealed record TemplateResponse(
    string Id,
    string MerchantId,
    string Name,
    string Description,
    string Currency,
    string Scope,
    string? ShopId,
    IReadOnlyList<string> ProductIds,
    IReadOnlyList<string> CategoryIds,
    string Type,
    long? DiscountAmount,
    long? ThresholdAmount,
    int? PercentOff,
    long? MaxDiscountAmount,
    DateTimeOffset ValidFrom,
    DateTimeOffset ValidUntil,
    string? ValidityAfterClaim,
    long Stock,
    int PerUserLimit,
    string Status,
    long Issued,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    bool Exclusive = false,
    int Priority = 0);

/// <summary>POST /api/v1/merchant/templates/{id}/stock.</summary>
public sealed record AddStockRequest(long? Quantity);

/// <summary>One entry of a template's audit trail: who did what, when, and the values before and after.</summary>
public sealed record TemplateHistoryEntry(
    string Id,
    string Operation,
    string Actor,
    DateTimeOffset OccurredAt,
    JsonElement? Before,
    JsonElement? After);
