using PromotionEngine.Kernel.Messaging;

namespace PromotionEngine.Contracts.Events.MerchantAdmin.V1;

/// <summary>
/// The template as it stands after the fact. Every template event carries it whole, so a read model can apply
/// any of them in any order: the highest <see cref="Version"/> wins. Money in minor units; percentOff in basis
/// points; validityAfterClaimSeconds null when coupons live until the template ends. Exclusive and Priority are the
/// stacking terms (docs/settlement.md). Funding says who pays the discount (<see cref="FundingKinds"/>): PlatformShareBps is the
/// platform's part in basis points (0 for MERCHANT, 10000 for PLATFORM, 1–9999 for SPLIT); the merchant pays the rest.
/// TimeZone is an IANA zone id (default "UTC") whose days, ISO weeks (from Monday) and months bound the optional per-user
/// per-period claim limits PerUserDailyLimit, PerUserWeeklyLimit and PerUserMonthlyLimit (null: no such limit).
/// Tiers: a TIERED_THRESHOLD template's tiers, ascending (null for every other type).
/// AudienceId: only the members of that audience may claim (null: anyone; docs/audiences.md).
/// Gift: a GIFT template's gift SKU, units per order, least units in scope, and the gift stock added so far (null for every other type).
/// BuyQuantity, GetQuantity: a BUY_X_GET_Y template's X and Y (every X + Y units in scope earn Y, the cheapest, at PercentOff off;
/// null for every other type).
/// </summary>
public sealed record TemplateState(
    long TemplateId,
    long MerchantId,
    string Name,
    string Description,
    string Currency,
    string Scope,
    long? ShopId,
    IReadOnlyList<long> ProductIds,
    IReadOnlyList<long> CategoryIds,
    string Type,
    long? DiscountAmount,
    long? ThresholdAmount,
    int? PercentOff,
    long? MaxDiscountAmount,
    DateTimeOffset ValidFrom,
    DateTimeOffset ValidUntil,
    long? ValidityAfterClaimSeconds,
    long Stock,
    int PerUserLimit,
    DateTimeOffset? TerminatedAt,
    int Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    bool Exclusive = false,
    int Priority = 0,
    string Funding = FundingKinds.Merchant,
    int PlatformShareBps = 0,
    string TimeZone = "UTC",
    int? PerUserDailyLimit = null,
    int? PerUserWeeklyLimit = null,
    int? PerUserMonthlyLimit = null,
    IReadOnlyList<TemplateTier>? Tiers = null,
    long? AudienceId = null,
    TemplateGift? Gift = null,
    int? BuyQuantity = null,
    int? GetQuantity = null);

/// <summary>A GIFT template's gift (docs/gifts.md): Quantity units of Sku per qualifying order; Stock: every gift added so far.</summary>
public sealed record TemplateGift(string Sku, int Quantity, int? MinQuantity, long Stock);

/// <summary>One tier of a TIERED_THRESHOLD template (满200减25): from thresholdAmount on, discountAmount off; minor units.</summary>
public sealed record TemplateTier(long ThresholdAmount, long DiscountAmount);

/// <summary>Who funds a template's discount (商家承担 / 平台补贴 / a split). Part of the template's audited terms.</summary>
public static class FundingKinds
{
    /// <summary>The merchant bears the whole discount (the default).</summary>
    public const string Merchant = "MERCHANT";

    /// <summary>The platform subsidises the whole discount.</summary>
    public const string Platform = "PLATFORM";

    /// <summary>The platform bears PlatformShareBps of it, the merchant the rest.</summary>
    public const string Split = "SPLIT";

    /// <summary>The platform's part of <paramref name="discount"/>, rounded down; the merchant's is the rest.</summary>
    public static long PlatformPart(long discount, int platformShareBps) => (long)((Int128)discount * platformShareBps / 10_000);
}

/// <summary>Template events share their producer and are kept in the event log: they define what a coupon is.</summary>
public interface ITemplateEvent : IIntegrationEvent
{
    static string IIntegrationEvent.Producer => "merchant-admin";
    static int IIntegrationEvent.SchemaVersion => 1;
    static bool IIntegrationEvent.Retained => true;

    TemplateState Template { get; }
}

/// <summary>A merchant defined a new template; claims open at validFrom.</summary>
public sealed record TemplateCreated(TemplateState Template) : ITemplateEvent
{
    public static string Type => "template-created";
}

/// <summary>A merchant changed what may change: name, description, a later validUntil, a higher perUserLimit.</summary>
/// <param name="ChangedFields">The API names of the fields that changed, e.g. ["validUntil"].</param>
public sealed record TemplateChanged(TemplateState Template, IReadOnlyList<string> ChangedFields) : ITemplateEvent
{
    public static string Type => "template-changed";
}

/// <summary>A merchant added <paramref name="Added"/> coupons; Template.Stock is the new total.</summary>
public sealed record TemplateStockAdded(TemplateState Template, long Added) : ITemplateEvent
{
    public static string Type => "template-stock-added";
}

/// <summary>A merchant stopped further claims; coupons already issued stay usable until their own end.</summary>
public sealed record TemplateTerminated(TemplateState Template) : ITemplateEvent
{
    public static string Type => "template-terminated";
}

/// <summary>The claim window closed at Template.ValidUntil (published when that time falls due).</summary>
public sealed record TemplateEnded(TemplateState Template) : ITemplateEvent
{
    public static string Type => "template-ended";
}
