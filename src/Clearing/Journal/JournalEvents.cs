using Dapper;
using PromotionEngine.Clearing.Days;
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
/// once. Events of different producers come in any order: a coupon or settlement event whose template the dimension has not
/// seen yet is parked (clr_parked) and journaled when that template's first event arrives, in its transaction.
/// </summary>
internal sealed class JournalEvents(ClearingTemplates templates, ClearingJournal journal, ClearingDays days) :
    IEventHandler<TemplateCreated>, IEventHandler<TemplateChanged>, IEventHandler<TemplateStockAdded>, IEventHandler<TemplateTerminated>,
    IEventHandler<TemplateEnded>, IEventHandler<CouponClaimed>, IEventHandler<CouponLocked>, IEventHandler<CouponConsumed>,
    IEventHandler<CouponReleased>, IEventHandler<CouponRefunded>, IEventHandler<CouponExpired>, IEventHandler<OrderDiscountConsumed>,
    IEventHandler<OrderRefundSettled>, IEventBatchHandler<CouponClaimed>, IEventBatchHandler<CouponLocked>,
    IEventBatchHandler<CouponConsumed>, IEventBatchHandler<CouponReleased>, IEventBatchHandler<CouponRefunded>,
    IEventBatchHandler<CouponExpired>
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
        await JournalAsync(context.Envelope, scope, ct);
    }

    public Task HandleAsync(CouponClaimed e, EventContext context, WriteScope scope, CancellationToken ct) =>
        JournalAsync(context.Envelope, scope, ct);

    public Task HandleAsync(CouponLocked e, EventContext context, WriteScope scope, CancellationToken ct) =>
        JournalAsync(context.Envelope, scope, ct);

    public Task HandleAsync(CouponConsumed e, EventContext context, WriteScope scope, CancellationToken ct) =>
        JournalAsync(context.Envelope, scope, ct);

    public Task HandleAsync(CouponReleased e, EventContext context, WriteScope scope, CancellationToken ct) =>
        JournalAsync(context.Envelope, scope, ct);

    public Task HandleAsync(CouponRefunded e, EventContext context, WriteScope scope, CancellationToken ct) =>
        JournalAsync(context.Envelope, scope, ct);

    public Task HandleAsync(CouponExpired e, EventContext context, WriteScope scope, CancellationToken ct) =>
        JournalAsync(context.Envelope, scope, ct);

    public Task HandleAsync(OrderDiscountConsumed e, EventContext context, WriteScope scope, CancellationToken ct) =>
        JournalAsync(context.Envelope, scope, ct);

    public Task HandleAsync(OrderRefundSettled e, EventContext context, WriteScope scope, CancellationToken ct) =>
        JournalAsync(context.Envelope, scope, ct);

    // A run of coupon events (a flash sale's claims): the calendar locked once, their templates read once, one insert.

    public Task HandleAsync(IReadOnlyList<(CouponClaimed Event, EventContext Context)> events, WriteScope scope, CancellationToken ct) =>
        JournalAllAsync([.. events.Select(e => e.Context.Envelope)], scope, ct);

    public Task HandleAsync(IReadOnlyList<(CouponLocked Event, EventContext Context)> events, WriteScope scope, CancellationToken ct) =>
        JournalAllAsync([.. events.Select(e => e.Context.Envelope)], scope, ct);

    public Task HandleAsync(IReadOnlyList<(CouponConsumed Event, EventContext Context)> events, WriteScope scope, CancellationToken ct) =>
        JournalAllAsync([.. events.Select(e => e.Context.Envelope)], scope, ct);

    public Task HandleAsync(IReadOnlyList<(CouponReleased Event, EventContext Context)> events, WriteScope scope, CancellationToken ct) =>
        JournalAllAsync([.. events.Select(e => e.Context.Envelope)], scope, ct);

    public Task HandleAsync(IReadOnlyList<(CouponRefunded Event, EventContext Context)> events, WriteScope scope, CancellationToken ct) =>
        JournalAllAsync([.. events.Select(e => e.Context.Envelope)], scope, ct);

    public Task HandleAsync(IReadOnlyList<(CouponExpired Event, EventContext Context)> events, WriteScope scope, CancellationToken ct) =>
        JournalAllAsync([.. events.Select(e => e.Context.Envelope)], scope, ct);

    /// <summary>The templates an event's facts need, and how its facts are derived once they are known.</summary>
    private static (IReadOnlyList<long> Templates, Func<IReadOnlyDictionary<long, TemplateDimension>, IReadOnlyList<ClearingFact>> Derive) Plan(
        EventEnvelope envelope)
    {
        var id = envelope.EventId;
        return envelope.Type switch
        {
            _ when envelope.Type == CouponClaimed.Type => One(envelope.PayloadAs<CouponClaimed>(), (e, t) => FactDerivation.Claimed(id, e, t)),
            _ when envelope.Type == CouponLocked.Type => One(envelope.PayloadAs<CouponLocked>(), (e, t) => FactDerivation.Locked(id, e, t)),
            _ when envelope.Type == CouponConsumed.Type => One(envelope.PayloadAs<CouponConsumed>(), (e, t) => FactDerivation.Consumed(id, e, t)),
            _ when envelope.Type == CouponReleased.Type => One(envelope.PayloadAs<CouponReleased>(), (e, t) => FactDerivation.Released(id, e, t)),
            _ when envelope.Type == CouponRefunded.Type => One(envelope.PayloadAs<CouponRefunded>(), (e, t) => FactDerivation.Restored(id, e, t)),
            _ when envelope.Type == CouponExpired.Type => One(envelope.PayloadAs<CouponExpired>(), (e, t) => FactDerivation.Expired(id, e, t)),
            _ when envelope.Type == TemplateTerminated.Type => Terminated(envelope),
            _ when envelope.Type == OrderDiscountConsumed.Type => Spent(envelope),
            _ when envelope.Type == OrderRefundSettled.Type => Refunded(envelope),
            _ => throw new InvalidOperationException($"The clearing journal does not take {envelope.Type} events."),
        };

        static (IReadOnlyList<long>, Func<IReadOnlyDictionary<long, TemplateDimension>, IReadOnlyList<ClearingFact>>) One<T>(
            T e, Func<T, TemplateDimension, ClearingFact> derive) where T : ICouponEvent =>
            ([e.TemplateId], known => [derive(e, known[e.TemplateId])]);

        static (IReadOnlyList<long>, Func<IReadOnlyDictionary<long, TemplateDimension>, IReadOnlyList<ClearingFact>>) Terminated(
            EventEnvelope envelope)
        {
            var e = envelope.PayloadAs<TemplateTerminated>();
            return ([e.Template.TemplateId],
                known => [FactDerivation.Terminated(envelope.EventId, e, envelope.OccurredAt, known[e.Template.TemplateId])]);
        }

        static (IReadOnlyList<long>, Func<IReadOnlyDictionary<long, TemplateDimension>, IReadOnlyList<ClearingFact>>) Spent(EventEnvelope envelope)
        {
            var e = envelope.PayloadAs<OrderDiscountConsumed>();
            return ([.. e.Coupons.Select(c => c.TemplateId)], known => FactDerivation.Spent(envelope.EventId, e, known));
        }

        static (IReadOnlyList<long>, Func<IReadOnlyDictionary<long, TemplateDimension>, IReadOnlyList<ClearingFact>>) Refunded(EventEnvelope envelope)
        {
            var e = envelope.PayloadAs<OrderRefundSettled>();
            return ([.. (e.Coupons ?? []).Select(c => c.TemplateId)], known => FactDerivation.Refunded(envelope.EventId, e, known));
        }
    }

    /// <summary>Journals the event's facts, or parks the event under the first of its templates not known yet.</summary>
    private async Task JournalAsync(EventEnvelope envelope, WriteScope scope, CancellationToken ct)
    {
        var (ids, derive) = Plan(envelope);
        if (ids.Count == 0) return; // a refund without an allocation: nothing was priced per coupon
        // First the calendar's lock, then locking reads: a template event committing meanwhile either is seen here or sees the
        // parked row (never neither, which would leave the event parked for good).
        await ClearingDays.LockAsync(scope, ct);
        var known = await templates.FindAllAsync(ids, scope, ct);
        if (ids.FirstOrDefault(id => !known.ContainsKey(id)) is var missing and not 0)
        {
            await ParkAsync(envelope, missing, scope, ct);
            return;
        }
        await journal.AppendAsync(derive(known), scope, ct);
    }

    /// <summary>
    /// Journals a run of events as <see cref="JournalAsync"/> would one after another: the calendar's lock and its last closed day
    /// once, then every template the run needs in one locking read, then the facts of all of them in order (those of an event whose
    /// template is not known yet parked instead).
    /// </summary>
    private async Task JournalAllAsync(IReadOnlyList<EventEnvelope> envelopes, WriteScope scope, CancellationToken ct)
    {
        var plans = envelopes.Select(e => (Envelope: e, Plan: Plan(e))).Where(p => p.Plan.Templates.Count > 0).ToList();
        if (plans.Count == 0) return;
        var calendar = await days.LockForPostingAsync(scope, ct);
        var known = await templates.FindAllAsync(plans.SelectMany(p => p.Plan.Templates), scope, ct);
        var facts = new List<ClearingFact>();
        foreach (var (envelope, (ids, derive)) in plans)
        {
            if (ids.FirstOrDefault(id => !known.ContainsKey(id)) is var missing and not 0)
                await ParkAsync(envelope, missing, scope, ct);
            else
                facts.AddRange(derive(known));
        }
        await journal.AppendAsync(facts, calendar, scope, ct);
    }

    private static Task ParkAsync(EventEnvelope envelope, long template, WriteScope scope, CancellationToken ct) =>
        scope.Connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO clr_parked (event_id, template_id, envelope) VALUES (@EventId, @TemplateId, @Envelope)",
            new { EventId = envelope.EventId.ToString(), TemplateId = template, Envelope = envelope.ToJson() }, scope.Transaction,
            cancellationToken: ct));

    /// <summary>Keeps the template, then journals the events parked for it (oldest first), each parked again if it needs another.</summary>
    private async Task KeepAsync(TemplateState template, WriteScope scope, CancellationToken ct)
    {
        await ClearingDays.LockAsync(scope, ct);
        await templates.SaveAsync(TemplateDimension.Of(template), scope, ct);
        var parked = (await scope.Connection.QueryAsync<string>(new CommandDefinition(
            "SELECT envelope FROM clr_parked WHERE template_id = @TemplateId" + days.Latest, new { template.TemplateId }, scope.Transaction,
            cancellationToken: ct))).Select(EventEnvelope.FromJson).OrderBy(e => e.OccurredAt).ThenBy(e => e.EventId).ToList();
        if (parked.Count == 0) return;
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM clr_parked WHERE template_id = @TemplateId", new { template.TemplateId }, scope.Transaction, cancellationToken: ct));
        foreach (var envelope in parked) await JournalAsync(envelope, scope, ct);
    }
}
