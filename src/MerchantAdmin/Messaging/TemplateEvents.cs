using PromotionEngine.Contracts.Events.MerchantAdmin.V1;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.MerchantAdmin.Audit;
using PromotionEngine.MerchantAdmin.Templates;

namespace PromotionEngine.MerchantAdmin.Messaging;

/// <summary>What a template command tells the rest of the system, recorded in the command's own transaction.</summary>
internal static class TemplateEvents
{
    public static IReadOnlyList<OutgoingEvent> Created(CouponTemplate t) =>
        [Now(new TemplateCreated(TemplateStates.Of(t, t.Version)), t), EndDue(t)];

    /// <summary>The event of a change to a stored template (saved as version <c>t.Version + 1</c>).</summary>
    public static IReadOnlyList<OutgoingEvent> Changed(CouponTemplate t, string operation, AuditDiff diff, long stockBefore)
    {
        var state = TemplateStates.Of(t, t.Version + 1);
        return operation switch
        {
            TemplateOperations.Change when diff.Fields.Contains("validUntil") => [Now(new TemplateChanged(state, diff.Fields), t), EndDue(t)],
            TemplateOperations.Change => [Now(new TemplateChanged(state, diff.Fields), t)],
            TemplateOperations.AddStock => [Now(new TemplateStockAdded(state, t.Stock - stockBefore), t)],
            TemplateOperations.Terminate => [Now(new TemplateTerminated(state), t)],
            TemplateOperations.AddGiftStock => [Now(new TemplateChanged(state, diff.Fields), t)], // the gift's stock: changedFields ["gift"]
            _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "No event for this template operation."),
        };
    }

    private static OutgoingEvent Now<T>(T e, CouponTemplate t) where T : ITemplateEvent =>
        OutgoingEvent.Now(e, t.UpdatedAt, t.Id.ToString(), t.Merchant.Value);

    /// <summary>
    /// A timer for the template's end, due at validUntil. Extending the window schedules another: each timer
    /// checks that the end it was set for is still the template's end before announcing it.
    /// </summary>
    private static OutgoingEvent EndDue(CouponTemplate t) =>
        OutgoingEvent.At(new TemplateEndDue(t.Id.Value, t.ValidUntil), t.UpdatedAt, t.ValidUntil,
            $"merchant-admin.template-end:{t.Id}:{t.ValidUntil.ToUnixTimeMilliseconds()}", t.Id.ToString(), t.Merchant.Value);
}

/// <summary>Merchant-admin's own timer: the template's window closes now (internal, not part of the public catalog).</summary>
internal sealed record TemplateEndDue(long TemplateId, DateTimeOffset ValidUntil) : IIntegrationEvent
{
    public static string Type => "template-end-due";
    public static int SchemaVersion => 1;
    public static string Producer => "merchant-admin";
}
