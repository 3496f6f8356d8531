using PromotionEngine.Kernel.Messaging;

namespace PromotionEngine.Contracts.Events.MerchantAdmin.V1;

/// <summary>
/// The template as it stands after the fact. Every template event carries it whole, so a read model can apply
/// any of them in any order: the highest <see cref="Version"/> wins. Money in minor units; percentOff in basis
/// points; validityAfterClaimSeconds null when coupons live until the template ends. Exclusive and Priority are the
/// stacking terms (docs/settlement.md).
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
    int Priority = 0);

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
