using PromotionEngine.Clearing.Facts;
using PromotionEngine.Contracts.Events.Engine.V1;
using PromotionEngine.Contracts.Events.MerchantAdmin.V1;
using PromotionEngine.Contracts.Events.Settlement.V1;
using PromotionEngine.Kernel.Messaging;
using PromotionEngine.Kernel.Persistence;

namespace PromotionEngine.Clearing.Journal;

/// <summary>
/// The clearing's consumer group (clearing.journal): template events keep the template dimension; coupon, template-terminated
/// and settlement events become facts in the journal, in the delivery's inbox transaction, so each event is journaled exactly
/// once. A coupon or settlement event whose template is not known yet throws (<see cref="UnknownTemplateException"/>) and
/// comes again once the template event has arrived.
/// </summary>
internal sealed class JournalEvents(ClearingTemplates templates, ClearingJournal journal) :
    IEventHandler<TemplateCreated>, IEventHandler<TemplateChanged>, IEventHandler<TemplateStockAdded>, IEventHandler<TemplateTerminated>,
    IEventHandler<TemplateEnded>, IEventHandler<CouponClaimed>, IEventHandler<CouponLocked>, IEventHandler<CouponConsumed>,
    IEventHandler<CouponReleased>, IEventHandler<CouponRefunded>, IEventHandler<CouponExpired>, IEventHandler<OrderDiscountConsumed>,
    IEventHandler<OrderRefundSettled>
{
    public const string Consumer = "clearing.journal";

    public static IEnumerable<EventSubscription> Subscriptions =>
    [
        EventSubscription.Group<TemplateCreated, JournalEvents>(Consumer),
        EventSubscription.Group<TemplateChanged, JournalEvents>(Consumer),
        EventSubscription.Group<TemplateStockAdded, JournalEvents>(Consumer),
        EventSubscription.Group<TemplateTerminated, JournalEvents>(Consumer),
        EventSubscription.Group<TemplateEnded, JournalEvents>(Consumer),
        EventSubscription.Group<CouponClaimed, JournalEvents>(Consumer),
        EventSubscription.Group<CouponLocked, JournalEvents>(Consumer),
        EventSubscription.Group<CouponConsumed, JournalEvents>(Consumer),
        EventSubscription.Group<CouponReleased, JournalEvents>(Consumer),
        EventSubscription.Group<CouponRefunded, JournalEvents>(Consumer),
        EventSubscription.Group<CouponExpired, JournalEvents>(Consumer),
        EventSubscription.Group<OrderDiscountConsumed, JournalEvents>(Consumer),
        EventSubscription.Group<OrderRefundSettled, JournalEvents>(Consumer),
    ];

    public Task HandleAsync(TemplateCreated e, EventContext context, WriteScope scope, CancellationToken ct) => KeepAsync(e.Template, scope, ct);

    public Task HandleAsync(TemplateChanged e, EventContext context, WriteScope scope, CancellationToken ct) => KeepAsync(e.Template, scope, ct);

    public Task HandleAsync(TemplateStockAdded e, EventContext context, WriteScope scope, CancellationToken ct) => KeepAsync(e.Template, scope, ct);

    public Task HandleAsync(TemplateEnded e, EventContext context, WriteScope scope, CancellationToken ct) => KeepAsync(e.Template, scope, ct);

    public async Task HandleAsync(TemplateTerminated e, EventContext context, WriteScope scope, CancellationToken ct)
    {
        await KeepAsync(e.Template, scope, ct);
        var t = (await ClearingTemplates.GetAsync([e.Template.TemplateId], scope, ct))[e.Template.TemplateId];
        await journal.AppendAsync([FactDerivation.Terminated(context.Envelope.EventId, e, context.Envelope.OccurredAt, t)], scope, ct);
    }

    public Task HandleAsync(CouponClaimed e, EventContext context, WriteScope scope, CancellationToken ct) =>
        CouponAsync(e, t => FactDerivation.Claimed(context.Envelope.EventId, e, t), scope, ct);

    public Task HandleAsync(CouponLocked e, EventContext context, WriteScope scope, CancellationToken ct) =>
        CouponAsync(e, t => FactDerivation.Locked(context.Envelope.EventId, e, t), scope, ct);

    public Task HandleAsync(CouponConsumed e, EventContext context, WriteScope scope, CancellationToken ct) =>
        CouponAsync(e, t => FactDerivation.Consumed(context.Envelope.EventId, e, t), scope, ct);

    public Task HandleAsync(CouponReleased e, EventContext context, WriteScope scope, CancellationToken ct) =>
        CouponAsync(e, t => FactDerivation.Released(context.Envelope.EventId, e, t), scope, ct);

    public Task HandleAsync(CouponRefunded e, EventContext context, WriteScope scope, CancellationToken ct) =>
        CouponAsync(e, t => FactDerivation.Restored(context.Envelope.EventId, e, t), scope, ct);

    public Task HandleAsync(CouponExpired e, EventContext context, WriteScope scope, CancellationToken ct) =>
        CouponAsync(e, t => FactDerivation.Expired(context.Envelope.EventId, e, t), scope, ct);

    public async Task HandleAsync(OrderDiscountConsumed e, EventContext context, WriteScope scope, CancellationToken ct)
    {
        var known = await ClearingTemplates.GetAsync(e.Coupons.Select(c => c.TemplateId), scope, ct);
        await journal.AppendAsync(FactDerivation.Spent(context.Envelope.EventId, e, known), scope, ct);
    }

    public async Task HandleAsync(OrderRefundSettled e, EventContext context, WriteScope scope, CancellationToken ct)
    {
        if (e.Coupons is not { Count: > 0 } coupons) return; // no allocation: nothing was priced per coupon
        var known = await ClearingTemplates.GetAsync(coupons.Select(c => c.TemplateId), scope, ct);
        await journal.AppendAsync(FactDerivation.Refunded(context.Envelope.EventId, e, known), scope, ct);
    }

    private Task KeepAsync(TemplateState template, WriteScope scope, CancellationToken ct) =>
        templates.SaveAsync(TemplateDimension.Of(template), scope, ct);

    private async Task CouponAsync(ICouponEvent e, Func<TemplateDimension, ClearingFact> derive, WriteScope scope, CancellationToken ct)
    {
        var t = (await ClearingTemplates.GetAsync([e.TemplateId], scope, ct))[e.TemplateId];
        await journal.AppendAsync([derive(t)], scope, ct);
    }
}
