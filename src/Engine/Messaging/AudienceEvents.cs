using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Engine.Audiences;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Messaging;

namespace PromotionEngine.Engine.Messaging;

/// <summary>What the engine tells the rest of the system about an audience, recorded in the transaction that stores the change.</summary>
internal static class AudienceEvents
{
    public static OutgoingEvent Created(Audience a, AudienceRule? rule = null) =>
        OutgoingEvent.Now(new AudienceCreated(a.Id.Value, a.Merchant.Value, a.Name, a.CreatedAt,
            rule?.Kind, rule?.Template?.Value, rule?.Days, rule?.MinOrders, a.Excludes), a.CreatedAt, a.Id.ToString(), a.Merchant.Value);

    public static OutgoingEvent MembersChanged(AudienceId id, MerchantId merchant, MembersChange change, string source, DateTimeOffset at) =>
        OutgoingEvent.Now(new AudienceMembersChanged(id.Value, merchant.Value, change.Added, change.Removed, change.Members, source, at), at,
            id.ToString(), merchant.Value);
}
