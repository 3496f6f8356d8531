using PromotionEngine.Contracts.Events.MerchantAdmin.V1;
using PromotionEngine.Kernel;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;
using PromotionEngine.MerchantAdmin.Templates;

namespace PromotionEngine.MerchantAdmin.Messaging;

/// <summary>
/// Announces a template's end when its timer falls due: TemplateEnded, once (the inbox skips a redelivered
/// timer), and only if the end the timer was set for is still the template's end and it was not terminated.
/// The timer's due time is trusted over this instance's clock, so a few milliseconds of skew never lose the event.
/// </summary>
internal sealed class AnnounceTemplateEnd(ICouponTemplates templates, IOutbox outbox) : IEventHandler<TemplateEndDue>
{
    public const string Consumer = "merchant-admin.template-end";

    public async Task HandleAsync(TemplateEndDue due, EventContext context, WriteScope scope, CancellationToken ct)
    {
        var template = await templates.FindAsync(new TemplateId(due.TemplateId), scope, ct);
        if (template is null || template.TerminatedAt is not null || UtcMillis.From(template.ValidUntil) != UtcMillis.From(due.ValidUntil)) return;
        await outbox.AddAsync(OutgoingEvent.Now(new TemplateEnded(TemplateStates.Of(template, template.Version)), due.ValidUntil,
            template.Id.ToString(), template.Merchant.Value), scope, ct);
    }
}

/// <summary>
/// Every instance drops its cached snapshot when a template changes anywhere, so a terminate or a new limit is
/// seen by all instances at once rather than after the cache's freshness runs out.
/// </summary>
internal sealed class ForgetChangedTemplate(TemplateCatalog catalog) :
    IInstanceEventHandler<TemplateCreated>, IInstanceEventHandler<TemplateChanged>, IInstanceEventHandler<TemplateStockAdded>,
    IInstanceEventHandler<TemplateTerminated>
{
    public const string Consumer = "merchant-admin.template-cache";

    public Task HandleAsync(TemplateCreated e, EventContext context, CancellationToken ct) => Forget(e.Template);

    public Task HandleAsync(TemplateChanged e, EventContext context, CancellationToken ct) => Forget(e.Template);

    public Task HandleAsync(TemplateStockAdded e, EventContext context, CancellationToken ct) => Forget(e.Template);

    public Task HandleAsync(TemplateTerminated e, EventContext context, CancellationToken ct) => Forget(e.Template);

    private Task Forget(TemplateState template)
    {
        catalog.Forget(new TemplateId(template.TemplateId));
        return Task.CompletedTask;
    }
}
